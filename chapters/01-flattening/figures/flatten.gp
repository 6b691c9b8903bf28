# flatten.gp -- the probe image beside its flattened vector.
# ARG1: the folder figdata wrote (image.dat, strip.csv, info.gp).
load ARG1."/info.gp"
unset key
unset grid
unset colorbox
set cbrange [0:1]
set multiplot title sprintf("Flattening: a %dx%dx%d %s becomes one vector of %d numbers", C, H, W, LABEL, D) font ",14"

# Left: the image, pixels next to their neighbours.
set size 0.28, 0.86
set origin 0.0, 0.04
set size ratio -1
set yrange [H-0.5:-0.5]
set xrange [-0.5:W-0.5]
unset xtics
unset ytics
set title "the image: neighbours touch"
plot ARG1."/image.dat" using 1:2:3:4:5 with rgbimage

# Top right: the whole vector as one strip of grey values.
set datafile separator ","
set size noratio
set size 0.7, 0.42
set origin 0.29, 0.46
set xrange [-0.5:D-0.5]
set yrange [0:1]
set style fill solid noborder
set boxwidth 1.0 absolute
set xtics out nomirror
if (C == 3) { set xtics ("0" 0, "R | G" H*W, "G | B" 2*H*W, sprintf("%d", D-1) D-1) }
set title sprintf("the flattened vector, index 0..%d (%s)", D-1, C == 3 ? "all of R, then all of G, then all of B" : "row after row")
plot ARG1."/strip.csv" using 1:(1):(1.0):2 skip 1 with boxes fs solid noborder lc palette

# Bottom right: the first three rows, zoomed, with row boundaries marked.
zoom = 3*W
set size 0.7, 0.42
set origin 0.29, 0.02
set xrange [-0.5:zoom-0.5]
set xtics ("0" 0, sprintf("%d", W) W, sprintf("%d", 2*W) 2*W, sprintf("%d", 3*W-1) 3*W-1)
set arrow 1 from W-0.5, graph 0 to W-0.5, graph 1 nohead lc rgb HIGHLIGHT lw 2 front
set arrow 2 from 2*W-0.5, graph 0 to 2*W-0.5, graph 1 nohead lc rgb HIGHLIGHT lw 2 front
set title sprintf("zoom on the first %d values: rows 0, 1, 2 of channel 0 -- a pixel and the one below it are %d apart", zoom, W)
plot ARG1."/strip.csv" using 1:(1):(1.0):2 skip 1 every ::0::(zoom-1) with boxes fs solid noborder lc palette
unset multiplot
