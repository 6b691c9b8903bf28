# probe.gp -- how sure the MLP (red) and the CNN (green) are, measured over
# the whole test set, and one typical test image with both models' output.
# Top: the share of test images by the probability a model gives the true
# class, and by the entropy of its answer (bits). Bottom: the typical image
# (the one nearest both medians, chosen by figdata) and the two models'
# probabilities over the classes.
# ARG1: figdata's folder (probe-ptrue.csv, probe-entropy.csv, probe.dat,
# probe.csv, info.gp).
load ARG1."/info.gp"
set multiplot title sprintf("How sure each model is: all %d %s test images (top), one typical image (bottom)", N, DATA) font ",14"
set datafile separator ","
set style fill solid 0.85 border lc rgb "#333333"
set grid ytics
set ylabel "% of test images"
set yrange [0:*]
set key top center horizontal reverse Left

# The two distributions: bins of a tenth of the range, MLP left, CNN right.
set size 0.5, 0.47
set origin 0.0, 0.47
set title sprintf("probability given to the true class (median: MLP %.2f, CNN %.2f)", MLP_MEDIAN, CNN_MEDIAN)
set xlabel "p(true class)"
set xrange [0:1]
set xtics 0.1
set offsets 0, 0, graph 0.12, 0
bw = 0.1
set boxwidth 0.4 * bw
plot ARG1."/probe-ptrue.csv" using (($1 + $2) / 2 - 0.21 * bw):3 skip 1 with boxes ls 1 title "MLP", \
     ARG1."/probe-ptrue.csv" using (($1 + $2) / 2 + 0.21 * bw):4 skip 1 with boxes ls 2 title "CNN"

set origin 0.5, 0.47
set title sprintf("entropy of the answer (mean: MLP %.2f bits, CNN %.2f bits)", MLP_HMEAN, CNN_HMEAN)
set xlabel sprintf("entropy in bits (0: all on one class; %.2f: spread evenly)", BITS)
set xrange [0:BITS]
set xtics 0.5
bw = BITS / 10
set boxwidth 0.4 * bw
plot ARG1."/probe-entropy.csv" using (($1 + $2) / 2 - 0.21 * bw):3 skip 1 with boxes ls 1 title "MLP", \
     ARG1."/probe-entropy.csv" using (($1 + $2) / 2 + 0.21 * bw):4 skip 1 with boxes ls 2 title "CNN"
set offsets 0, 0, 0, 0
unset key
unset xlabel

# The typical image and what each model says about it.
set origin 0.02, 0.0
set size 0.26, 0.45
unset grid
set size ratio -1
set xrange [-0.5:W-0.5]
set yrange [H-0.5:-0.5]
unset xtics
unset ytics
unset ylabel
set datafile separator whitespace
set title sprintf("typical: test image %d (a %s)", PROBE, TRUTH)
plot ARG1."/probe.dat" using 1:2:3:4:5 with rgbimage
set size noratio
set datafile separator ","
set grid ytics
set yrange [0:1.05]
set xrange [-0.6:9.6]
set ytics 0.25
set xtics rotate by -45 font ",9" nomirror
set boxwidth 0.7
set ylabel "probability"
set origin 0.3, 0.0
set size 0.35, 0.45
set title sprintf("MLP: p(%s) = %.3f", TRUTH, MLP_PROBE)
plot ARG1."/probe.csv" using 1:3:xtic(2) skip 1 with boxes ls 1
unset ylabel
set origin 0.65, 0.0
set title sprintf("CNN: p(%s) = %.3f", TRUTH, CNN_PROBE)
plot ARG1."/probe.csv" using 1:4:xtic(2) skip 1 with boxes ls 2
unset multiplot
