# gflops.gp -- chapter 06: GFLOP/s per implementation (bars) per layer shape.
# ARG1 = table (shape, then one column per implementation-threads), ARG2 =
# number of columns, ARG3 = measured single-core FMA peak (dashed line).
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1.5
set style fill solid 0.9 border lc rgb "#ffffff"
set boxwidth 0.95
set logscale y
set yrange [0.1:real(ARG3) * 1.6]
set ylabel "GFLOP/s (log scale, higher is better)"
set xtics rotate by 0 scale 0
set key outside right top vertical Left reverse noopaque nobox noenhanced
set title sprintf("Forward convolution speed per layer shape (dashed: measured 1-core FMA peak %.0f GFLOP/s)", real(ARG3))
peak = real(ARG3)
set arrow 1 from graph 0, first peak to graph 1, first peak nohead dt 2 lw 1.5 lc rgb "#555555" front
# Steps in cool colours, the reference in green, peers in greys/orange.
colours = "#c7c7c7 #9ecae1 #6baed6 #4292c6 #2171b5 #2ca02c #98df8a #555555 #999999 #ff7f0e #ffbb78 #8c564b #c49c94"
plot for [i = 2:int(ARG2)] ARG1 using i:xtic(1) title columnhead(i) noenhanced lc rgb word(colours, i - 1)
