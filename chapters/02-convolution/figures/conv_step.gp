# conv_step.gp -- one step of a 3x3 convolution on the 5x5 example:
# input, kernel and output side by side, every cell labelled with its value,
# the window of output (HI, HJ) outlined on the input and its result on the
# output. ARG1: the folder figdata wrote (input.csv, kernel.csv, output.csv,
# info.gp).
load ARG1."/info.gp"
set datafile separator ","
unset grid
unset key
unset colorbox
unset xtics
unset ytics
unset border
set size ratio -1
set style fill empty

set multiplot title "One step of a convolution: the kernel's window, multiplied and summed, gives one output value" font ",14"

# ---- input: a light blue ramp 0..9 ----------------------------------------
set size 0.40, 0.80
set origin 0.00, 0.08
set xrange [-0.5:4.5]
set yrange [4.5:-0.5]
set palette defined (0 "#ffffff", 9 "#6fa8dc")
set cbrange [0:9]
set title "input x (5×5)" font ",13"
set object 1 rect from HJ - 0.5, HI - 0.5 to HJ + 2.5, HI + 2.5 front fs empty border lc rgb HIGHLIGHT lw 5
plot ARG1."/input.csv" using 1:2:3 skip 1 with image, \
     "" using 1:2:(0.5):(0.5) skip 1 with boxxyerror lc rgb "#999999" lw 1, \
     "" using 1:2:(sprintf("%g", $3)) skip 1 with labels font ",15"
unset object 1

# ---- kernel: red for -1, white for 0, green for +1 ------------------------
set size 0.26, 0.56
set origin 0.385, 0.20
set xrange [-0.5:2.5]
set yrange [2.5:-0.5]
set palette defined (-1 "#f4a6a6", 0 "#ffffff", 1 "#a8dba8")
set cbrange [-1:1]
set title "kernel w (3×3)\nvertical edge: left − right" font ",13"
plot ARG1."/kernel.csv" using 1:2:3 skip 1 with image, \
     "" using 1:2:(0.5):(0.5) skip 1 with boxxyerror lc rgb "#999999" lw 1, \
     "" using 1:2:($3 > 0 ? sprintf("+%g", $3) : $3 < 0 ? sprintf("−%g", -$3) : "0") skip 1 with labels font ",15"

# ---- output: diverging around 0 ------------------------------------------
set size 0.30, 0.60
set origin 0.67, 0.18
set palette defined (-25 "#e06666", 0 "#ffffff", 25 "#6aa84f")
set cbrange [-25:25]
set title "output y (3×3)\n⌊(5 − 3) / 1⌋ + 1 = 3" font ",13"
set object 2 rect from HJ - 0.5, HI - 0.5 to HJ + 0.5, HI + 0.5 front fs empty border lc rgb HIGHLIGHT lw 5
plot ARG1."/output.csv" using 1:2:3 skip 1 with image, \
     "" using 1:2:(0.5):(0.5) skip 1 with boxxyerror lc rgb "#999999" lw 1, \
     "" using 1:2:($3 < 0 ? sprintf("−%g", -$3) : sprintf("%g", $3)) skip 1 with labels font ",15"
unset object 2

# ---- the operators and the worked sum ------------------------------------
set origin 0, 0
set size 1, 1
unset title
set xrange [0:1]
set yrange [0:1]
set label 10 "∗" at screen 0.385, 0.48 center font ",30"
set label 11 "=" at screen 0.655, 0.48 center font ",28"
set label 12 SUM.":  bright left column minus dark right column, so the edge lights up" \
    at screen 0.5, 0.07 center font ",13" tc rgb "#333333"
plot NaN
unset multiplot
