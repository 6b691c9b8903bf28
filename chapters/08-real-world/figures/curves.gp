# curves.gp -- ch08-batchnorm.png: training loss (left) and test accuracy
# (right) per epoch of the three runs of `realworld`.
#   ARG1 the folder holding <data>-cnn/, <data>-cnn-bn/, <data>-cnn-bn-aug/
#   ARG2 the dataset name
set datafile separator ","
set multiplot layout 1,2
set key top right
set xlabel "epoch"
set ylabel "training loss (mean over the epoch)"
set logscale y
set title "training loss, ".ARG2
plot ARG1."/".ARG2."-cnn/epochs.csv" every ::1 using 1:2 with linespoints ls 2 pt 7 ps 0.6 title "CNN", \
     ARG1."/".ARG2."-cnn-bn/epochs.csv" every ::1 using 1:2 with linespoints ls 3 pt 5 ps 0.6 title "CNN + batch norm", \
     ARG1."/".ARG2."-cnn-bn-aug/epochs.csv" every ::1 using 1:2 with linespoints ls 4 pt 9 ps 0.7 title "+ augmentation"
unset logscale y
set key bottom right
set ylabel "test accuracy (%)"
set title "test accuracy, ".ARG2
plot ARG1."/".ARG2."-cnn/epochs.csv" every ::1 using 1:($5*100) with linespoints ls 2 pt 7 ps 0.6 title "CNN", \
     ARG1."/".ARG2."-cnn-bn/epochs.csv" every ::1 using 1:($5*100) with linespoints ls 3 pt 5 ps 0.6 title "CNN + batch norm", \
     ARG1."/".ARG2."-cnn-bn-aug/epochs.csv" every ::1 using 1:($5*100) with linespoints ls 4 pt 9 ps 0.7 title "+ augmentation"
unset multiplot
