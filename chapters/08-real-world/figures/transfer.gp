# transfer.gp -- ch08-transfer.png: test accuracy on the new task against
# the number of labels per class, for the three ways `realworld` learns it
# (from scratch, a linear probe on the frozen backbone, fine-tuning).
#   ARG1 the CSV realworld writes (<data>-transfer.csv)
#   ARG2 the dataset name
set datafile separator ","
set key bottom right
set logscale x
set xlabel "labelled training images per class (log scale)"
set ylabel "test accuracy on classes 5-9 (%)"
set title "A backbone pretrained on classes 0-4, then classes 5-9 from few labels, ".ARG2
set autoscale xfix
set offsets graph 0.06, graph 0.06, 0, 0
plot ARG1 every ::1 using 1:($3*100) with linespoints ls 2 pt 7 ps 0.9 title "from scratch", \
     ARG1 every ::1 using 1:($4*100) with linespoints ls 3 pt 5 ps 0.9 title "linear probe (frozen backbone)", \
     ARG1 every ::1 using 1:($5*100) with linespoints ls 4 pt 9 ps 1.0 title "fine-tuning (backbone at 0.1x the rate)"
