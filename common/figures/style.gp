# style.gp -- the one look shared by every figure of the workbook.
# Loaded by lib.sh's `gp` before each script; scripts set only what is theirs.
set encoding utf8
set border lw 1.2 lc rgb "#333333"
set tics textcolor rgb "#333333" nomirror
set grid lc rgb "#dddddd" lw 1 dt 1
set key noautotitle
set key box lc rgb "#bbbbbb" opaque
# Colours: the lessons call the MLP red and the CNN green everywhere.
MLP_COLOUR  = "#d62728"
CNN_COLOUR  = "#2ca02c"
ACCENT      = "#1f77b4"
HIGHLIGHT   = "#ff7f0e"
set style line 1 lc rgb MLP_COLOUR lw 2.5
set style line 2 lc rgb CNN_COLOUR lw 2.5
set style line 3 lc rgb ACCENT lw 2.5
set style line 4 lc rgb HIGHLIGHT lw 2.5
set palette defined (0 "black", 1 "white")   # linear grey (the built-in one has a gamma)
