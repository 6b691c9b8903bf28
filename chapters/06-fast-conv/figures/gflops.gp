# gflops.gp -- chapter 06: GFLOP/s per implementation (bars) per layer shape.
# ARG1 = table (shape, then one column per implementation-threads), ARG2 =
# number of columns, ARG3 = measured single-core FMA peak (dashed line),
# ARG4 = the table's header line (each column's colour follows its name, so
# a missing peer does not shift the others' colours), ARG5 = the run's
# machine and date ("CPU, ISA FMA, kernel micro-kernel, date"; may be empty).
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1.5
set style fill solid 0.9 border lc rgb "#ffffff"
set boxwidth 0.95
set logscale y
set yrange [0.1:real(ARG3) * 2.6]  # room for two threads, up to twice the one-core peak
set ylabel "GFLOP/s (log scale, higher is better)"
set xtics rotate by 0 scale 0
set key outside right top vertical Left reverse noopaque nobox noenhanced
set title sprintf("Forward convolution speed per layer shape (dashed: measured 1-core FMA peak %.0f GFLOP/s)%s%s", \
                 real(ARG3), strlen(ARG5) > 0 ? "\n" : "", ARG5) noenhanced
peak = real(ARG3)
set arrow 1 from graph 0, first peak to graph 1, first peak nohead dt 2 lw 1.5 lc rgb "#555555" front
# Steps in blues (darker = later), the fast convolution in green, peers in
# grey, purple and orange. In a student's run (make bench CH=06) the
# student's steps take the steps' colours and the reference's fast
# convolution (reference-fast) a darker green.
names = "naive-1t gemm_naive-1t gemm_blocked-1t packed_portable-1t packed_simd-1t fast-1t fast-2t " . \
        "openblas-1t openblas-2t onednn-1t onednn-2t pytorch-1t pytorch-2t reference-fast-1t reference-fast-2t"
colours = "#c7c7c7 #9ecae1 #6baed6 #4292c6 #2171b5 #2ca02c #98df8a #555555 #999999 #9467bd #c5b0d5 " . \
          "#ff7f0e #ffbb78 #00441b #41ab5d"
colour_of(h) = sum [j = 1:words(names)] (word(names, j) eq h ? j : 0)
base(h) = strstrt(h, "student-") == 1 ? h[9:] : h
colour(h) = colour_of(base(h)) > 0 ? word(colours, colour_of(base(h))) : "#8c564b"
plot for [i = 2:int(ARG2)] ARG1 using i:xtic(1) title columnhead(i) noenhanced lc rgb colour(word(ARG4, i))
