# params.gp -- first-layer parameters against image side, log scale.
# ARG1: params.csv (side, dense_grey, dense_rgb, conv) written by figdata.
set datafile separator ","
set title "Parameters in the first layer as the image grows" font ",14"
set xlabel "image side (pixels)"
set ylabel "parameters in the first layer"
set logscale xy
set format y "10^{%L}"
set xrange [8:512]
set yrange [100:1e9]
set xtics (8, 16, 32, 64, 128, 224, 512)
set key top left
set label 1 "8x8 digits: 33,280" at 8.6, 33280*2.2 font ",10"
set label 2 "32x32 RGB: 1,573,376" at 34, 1573376*0.35 font ",10"
set label 3 "224x224 RGB: 77,070,848" at 75, 77070848*1.6 font ",10"
set label 4 "conv, 32 filters 3x3x3: 896 at every size" at 30, 896*2.3 font ",10" tc rgb CNN_COLOUR
plot ARG1 using 1:3 skip 1 with lines ls 1 title "dense, 512 units, RGB input", \
     ARG1 using 1:2 skip 1 with lines ls 1 dt 2 title "dense, 512 units, grey input", \
     ARG1 using 1:4 skip 1 with lines ls 2 title "conv, 32 filters of 3x3x3", \
     "-" using 1:2 with points pt 7 ps 1.3 lc rgb "#333333" title "the tutorial's table"
8,33280
32,1573376
224,77070848
e
