# probe.gp -- one held-out image beside the MLP's and the CNN's output
# probabilities over the classes. ARG1: figdata's folder (probe.dat,
# probe.csv, info.gp).
load ARG1."/info.gp"
set multiplot layout 1, 3 title sprintf("What each model says about one test image (a %s)", TRUTH) font ",14"
unset grid
unset key
set size ratio -1
set xrange [-0.5:W-0.5]
set yrange [H-0.5:-0.5]
unset xtics
unset ytics
set title "the image"
plot ARG1."/probe.dat" using 1:2:3:4:5 with rgbimage
set size noratio
set datafile separator ","
set grid ytics
set yrange [0:1.05]
set xrange [-0.6:9.6]
set ytics 0.25
set xtics rotate by -45 font ",9" nomirror
set style fill solid 0.85 border lc rgb "#333333"
set boxwidth 0.7
set ylabel "probability"
set title "MLP"
plot ARG1."/probe.csv" using 1:3:xtic(2) skip 1 with boxes ls 1
unset ylabel
set title "CNN"
plot ARG1."/probe.csv" using 1:4:xtic(2) skip 1 with boxes ls 2
unset multiplot
