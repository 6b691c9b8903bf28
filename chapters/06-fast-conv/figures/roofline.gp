# roofline.gp -- chapter 06: the roofline model. x: arithmetic intensity
# (flops per byte of the least memory traffic: read x and w, write y once),
# y: GFLOP/s. The roofs are min(peak, bandwidth * intensity), 1 and 2 threads.
# ARG1 = points (shape intensity gflops impl-threads), ARG2/ARG3 = peak at
# 1/2 threads, ARG4/ARG5 = triad bandwidth (GB/s) at 1/2 threads, ARG6 = the
# run's machine and date (may be empty), ARG7 = where each shape's name goes
# (x y name side, written by figures.sh: A under the lowest point of its column, L to its left,
# R to its right, so that shapes of nearly the same intensity keep their
# names apart). The ridge point of each roof, peak / bandwidth, is computed
# here from the same numbers.
peak1 = real(ARG2); peak2 = real(ARG3); bw1 = real(ARG4); bw2 = real(ARG5)
roof1(x) = (bw1 * x < peak1) ? bw1 * x : peak1
roof2(x) = (bw2 * x < peak2) ? bw2 * x : peak2
set logscale xy
set xrange [1:400]
# The lower end follows the data: the naive points lie near 1 GFLOP/s, on a
# crowded machine below it.
set autoscale y
set samples 400
set xlabel "arithmetic intensity (flop/byte)"
set ylabel "GFLOP/s"
set key outside right top Left reverse
ridge1 = peak1 / bw1; ridge2 = peak2 / bw2
set title sprintf("Roofline: the measured roofs and where each convolution lands%s%s", \
                  strlen(ARG6) > 0 ? "\n" : "", ARG6) noenhanced
plot roof1(x) ls 3 title sprintf("1 thread: %.0f GFLOP/s, %.0f GB/s, ridge %.1f flop/byte", peak1, bw1, ridge1), \
     roof2(x) ls 3 dt 2 title sprintf("2 threads: %.0f GFLOP/s, %.0f GB/s, ridge %.1f flop/byte", peak2, bw2, ridge2), \
     ARG1 using 2:(strcol(4) eq "naive-1t" ? $3 : NaN) with points pt 7 ps 1.3 lc rgb MLP_COLOUR title "naive, 1 thread", \
     ARG1 using 2:(strcol(4) eq "openblas-1t" ? $3 : NaN) with points pt 5 ps 1.2 lc rgb "#7f7f7f" title "OpenBLAS im2col+sgemm, 1 thread", \
     ARG1 using 2:(strcol(4) eq "onednn-1t" ? $3 : NaN) with points pt 13 ps 1.3 lc rgb "#9467bd" title "oneDNN, own layouts, 1 thread", \
     ARG1 using 2:(strcol(4) eq "pytorch-1t" ? $3 : NaN) with points pt 9 ps 1.3 lc rgb HIGHLIGHT title "PyTorch, 1 thread", \
     ARG1 using 2:(strcol(4) eq "fast-1t" ? $3 : NaN) with points pt 7 ps 1.4 lc rgb CNN_COLOUR title "conv2d_forward_fast, 1 thread" noenhanced, \
     ARG1 using 2:(strcol(4) eq "fast-2t" ? $3 : NaN) with points pt 6 ps 1.4 lc rgb CNN_COLOUR title "conv2d_forward_fast, 2 threads" noenhanced, \
     ARG7 using 1:(strcol(4) eq "A" ? $2 : NaN):3 with labels center offset 0,-1.2 font ",9" noenhanced notitle, \
     ARG7 using 1:(strcol(4) eq "L" ? $2 : NaN):3 with labels right offset -1.2,0 font ",9" noenhanced notitle, \
     ARG7 using 1:(strcol(4) eq "R" ? $2 : NaN):3 with labels left offset 1.2,0 font ",9" noenhanced notitle
