# ch04-pooling.gp -- the 4x4 example pooled by 2x2 max and 2x2 average pooling.
#
#   gp ch04-pooling.gp 1100x470 OUT.png INPUT.csv MAX.csv AVG.csv
#
# ARG1..ARG3 are the CSV files figdata writes (see figdata.c). Each of the
# four 2x2 windows of the input gets one colour; the output cell it becomes
# has the same colour. The input value max pooling keeps (its argmax) and
# the max-pool outputs are filled with the dark shade, the rest light.
# Coordinates are in cells: the input spans x 0..4, y 0..4 (row 0 on top).

set datafile separator ","
unset border; unset tics; unset grid; unset key
set size ratio -1
set lmargin 0; set rmargin 0; set tmargin 0; set bmargin 0
set xrange [-0.3:11.8]
set yrange [-1.25:4.95]

light(k) = k == 0 ? 0xc6dbef : k == 1 ? 0xfdd0a2 : k == 2 ? 0xc7e9c0 : 0xdadaeb
dark(k)  = k == 0 ? 0x6baed6 : k == 1 ? 0xfd8d3c : k == 2 ? 0x74c476 : 0x9e9ac8

MAX_X = 6.0   # left edge of the max-pool grid
AVG_X = 9.5   # left edge of the average-pool grid
OUT_Y = 1.0   # bottom edge of both output grids

# Thick outlines around the four input windows and the output grids.
do for [i = 0:1] {
    do for [j = 0:1] {
        set object rectangle from 2*j, 2 - 2*i to 2*j + 2, 4 - 2*i fs empty border lc rgb "#333333" lw 3 front
    }
}
set object rectangle from MAX_X, OUT_Y to MAX_X + 2, OUT_Y + 2 fs empty border lc rgb "#333333" lw 3 front
set object rectangle from AVG_X, OUT_Y to AVG_X + 2, OUT_Y + 2 fs empty border lc rgb "#333333" lw 3 front

set label "input 4×4: four 2×2 windows" at 2, 4.55 center font ",14"
set label "max pool" at MAX_X + 1, OUT_Y + 2.55 center font ",14"
set label "average pool" at AVG_X + 1, OUT_Y + 2.55 center font ",14"
set arrow from 4.3, 2 to 5.7, 2 lw 2.5 lc rgb "#333333" size 0.25, 25 filled
set label "2×2 window\nstride 2" at 5.0, 2.55 center font ",11" textcolor rgb "#333333"
set label "Each window becomes one output cell of its colour. Max pooling keeps the largest value (dark cell, its argmax)\nand drops the other three; average pooling keeps their mean. Either way, 4×4 values become 2×2." \
    at 5.75, -0.75 center font ",11" textcolor rgb "#444444"

plot \
    ARG1 skip 1 using ($2 + 0.5):(3.5 - $1):(0.5):(0.5):(int($5) ? dark(int($4)) : light(int($4))) \
         with boxxyerror fs solid 1.0 border lc rgb "white" lw 2 fc rgb variable, \
    ''   skip 1 using ($2 + 0.5):(3.5 - $1):(sprintf(int($5) ? "{/:Bold %g}" : "%g", $3)) \
         with labels font ",17" textcolor rgb "#222222", \
    ARG2 skip 1 using (MAX_X + $2 + 0.5):(OUT_Y + 1.5 - $1):(0.5):(0.5):(dark(int($4))) \
         with boxxyerror fs solid 1.0 border lc rgb "white" lw 2 fc rgb variable, \
    ''   skip 1 using (MAX_X + $2 + 0.5):(OUT_Y + 1.6 - $1):(sprintf("{/:Bold %g}", $3)) \
         with labels font ",17" textcolor rgb "#222222", \
    ''   skip 1 using (MAX_X + $2 + 0.5):(OUT_Y + 1.22 - $1):(sprintf("at (%d,%d)", int($5), int($6))) \
         with labels font ",9" textcolor rgb "#333333", \
    ARG3 skip 1 using (AVG_X + $2 + 0.5):(OUT_Y + 1.5 - $1):(0.5):(0.5):(light(int($4))) \
         with boxxyerror fs solid 1.0 border lc rgb "white" lw 2 fc rgb variable, \
    ''   skip 1 using (AVG_X + $2 + 0.5):(OUT_Y + 1.6 - $1):(sprintf("%g", $3)) \
         with labels font ",17" textcolor rgb "#222222", \
    ''   skip 1 using (AVG_X + $2 + 0.5):(OUT_Y + 1.22 - $1):(sprintf("%g / 4", $5)) \
         with labels font ",9" textcolor rgb "#333333"
