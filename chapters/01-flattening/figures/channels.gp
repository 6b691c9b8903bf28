# channels.gp -- the probe image and each of its channels as a grey map.
# ARG1: the folder figdata wrote (image.dat, channel0.dat..., info.gp).
load ARG1."/info.gp"
unset grid
unset key
set size ratio -1
set yrange [H-0.5:-0.5]
set xrange [-0.5:W-0.5]
unset xtics
unset ytics
unset colorbox
set cbrange [0:1]
set multiplot layout 1, (C == 1 ? 2 : 4) title sprintf("A %s as the network sees it: %d channel%s of %dx%d", LABEL, C, C > 1 ? "s" : "", H, W) font ",14"
set title "the image"
plot ARG1."/image.dat" using 1:2:3:4:5 with rgbimage
names = "R G B"
do for [c = 0:C-1] {
    set title (C == 3 ? sprintf("channel %d (%s)", c, word(names, c + 1)) : sprintf("channel %d (the only one)", c))
    plot ARG1.sprintf("/channel%d.dat", c) matrix with image
}
unset multiplot
