# padding_stride.gp -- three configurations of a 3x3 convolution on the 5x5
# example, side by side: the (padded) input on top, the output below, with
# sizes. Padding cells are grey zeros; the solid orange window produces
# output (0,0), the dashed one output (0,1), so the gap between them is the
# stride. ARG1: the folder figdata wrote (in1..3.csv, out1..3.csv, info.gp).
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
minus(v) = v < 0 ? sprintf("−%g", -v) : sprintf("%g", v)

name(m) = m == 1 ? "no padding, stride 1" : m == 2 ? "padding 1, stride 1  ('same')" : "padding 1, stride 2"

set multiplot title "Padding and stride: n_{out} = ⌊(n + 2·pad − k) / stride⌋ + 1, here n = 5, k = 3" font ",15"
set label 20 "solid orange window → output (0,0);  dashed window → output (0,1), one stride further right;  grey cells are the zeros of the padding" \
    at screen 0.5, 0.905 center font ",12" tc rgb "#555555"
do for [m = 1:3] {
    pad = value(sprintf("PAD%d", m)); st = value(sprintf("STRIDE%d", m))
    np = value(sprintf("NP%d", m)); p = value(sprintf("P%d", m))
    x0 = (m - 1) / 3.0

    # ---- the padded input ------------------------------------------------
    set size 0.33, 0.50
    set origin x0, 0.38
    set xrange [-0.5:6.5]
    set yrange [6.5:-0.5]
    set palette defined (0 "#ffffff", 9 "#6fa8dc")
    set cbrange [0:9]
    set title (pad > 0 ? sprintf("{/:Bold %s}\ninput %d×%d, padded to %d×%d", name(m), N, N, np, np) \
                       : sprintf("{/:Bold %s}\ninput %d×%d, no padding", name(m), N, N)) font ",13"
    set object 1 rect from -0.5, -0.5 to K - 0.5, K - 0.5 front fs empty border lc rgb HIGHLIGHT lw 4
    set object 2 rect from st - 0.5 + 0.08, -0.5 + 0.08 to st + K - 0.5 - 0.08, K - 0.5 - 0.08 front \
        fs empty border lc rgb HIGHLIGHT lw 2 dt 2
    offs = (7 - np) / 2.0
    set xrange [-0.5 - offs:6.5 - offs]
    set yrange [6.5 - offs:-0.5 - offs]
    # value cells filled from the palette, padding cells grey with dashed borders
    plot ARG1.sprintf("/in%d.csv", m) using 1:2:(0.5):(0.5):($4 > 0 ? 1/0 : $3) skip 1 \
             with boxxyerror fs solid 1.0 noborder lc palette, \
         "" using 1:2:($4 > 0 ? 0.5 : 1/0):(0.5) skip 1 with boxxyerror fs solid 1.0 noborder lc rgb "#eeeeee", \
         "" using 1:2:($4 > 0 ? 1/0 : 0.5):(0.5) skip 1 with boxxyerror fs empty lc rgb "#999999" lw 1, \
         "" using 1:2:($4 > 0 ? 0.5 : 1/0):(0.5) skip 1 with boxxyerror fs empty lc rgb "#bbbbbb" dt 2 lw 1, \
         "" using 1:2:(sprintf("%g", $3)):($4 > 0 ? 0xaaaaaa : 0x000000) skip 1 \
             with labels tc rgb variable font ",12"
    unset object 1
    unset object 2

    # ---- the output ------------------------------------------------------
    set size 0.33, 0.36
    set origin x0, 0.02
    set xrange [-0.5 - (5 - p) / 2.0:4.5 - (5 - p) / 2.0]
    set yrange [4.5:-0.5]
    set palette defined (-26 "#e06666", 0 "#ffffff", 26 "#6aa84f")
    set cbrange [-26:26]
    set title sprintf("output %d×%d:  ⌊(5 + %d − 3) / %d⌋ + 1 = %d", p, p, 2 * pad, st, p) font ",13"
    set object 3 rect from -0.5, -0.5 to 0.5, 0.5 front fs empty border lc rgb HIGHLIGHT lw 4
    set object 4 rect from 0.5 + 0.08, -0.5 + 0.08 to 1.5 - 0.08, 0.5 - 0.08 front fs empty border lc rgb HIGHLIGHT lw 2 dt 2
    plot ARG1.sprintf("/out%d.csv", m) using 1:2:3 skip 1 with image, \
         "" using 1:2:(0.5):(0.5) skip 1 with boxxyerror lc rgb "#999999" lw 1, \
         "" using 1:2:(minus($3)) skip 1 with labels font ",12"
    unset object 3
    unset object 4
}
unset multiplot
