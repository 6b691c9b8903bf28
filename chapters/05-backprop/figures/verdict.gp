# verdict.gp -- training loss of the MLP (red) and the CNN (green), and their
# test accuracy as bars. ARG1: figdata's folder (curve-*.csv, info.gp);
# ARG2: the verdict table (model,params,test_acc,epochs,train_seconds,images_per_s).
load ARG1."/info.gp"
set datafile separator ","
set multiplot layout 1, 2 title sprintf("MLP vs CNN on %s", DATA) font ",14"
set title "training loss (smoothed)"
set xlabel "epoch"
set ylabel "cross-entropy loss"
set key top right width 1
# Room under the bars for two lines of tic labels (model, parameters).
set bmargin 4.5
# log(10) = 2.3 is where an untrained 10-class model starts; cut the first spikes.
set yrange [0:3]
plot ARG1."/curve-mlp.csv" using 1:2 skip 1 with lines ls 1 title "MLP", \
     ARG1."/curve-cnn.csv" using 1:2 skip 1 with lines ls 2 title "CNN"
set title "test accuracy"
unset xlabel
set ylabel "% of test images right"
set yrange [0:105]
set xrange [-0.6:1.6]
set style fill solid 0.85 border lc rgb "#333333"
set boxwidth 0.55
unset key
# The parameter count goes under the bar, with the model's name: inside a
# bar only the accuracy fits.
params(p) = p >= 1e6 ? sprintf("%.2f M", p / 1e6) : sprintf("%.0f k", p / 1e3)
set xtics nomirror font ",11"
plot ARG2 using ($0):($3*100):(strcol(1) eq "mlp" ? 0xd62728 : 0x2ca02c):xtic(sprintf("%s\n%s params", strcol(1) eq "mlp" ? "MLP" : "CNN", params($2))) skip 1 with boxes lc rgb variable, \
     ARG2 using ($0):($3*50):(sprintf("%.1f %%", $3*100)) skip 1 with labels textcolor rgb "white" font ",13"
unset multiplot
