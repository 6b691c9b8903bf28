/* GIVEN -- read it, don't edit it.
 *
 * csv.h -- a small CSV writer for the data files gnuplot draws.
 *
 * Training curves, timing tables and parameter counts are written as CSV
 * (one header line, then one line per row) and plotted by the gnuplot
 * scripts of each chapter's figures/ folder (`set datafile separator ","`).
 *
 *     CsvFile *f = csv_open("loss.csv", "epoch,loss");
 *     csv_num(f, 1); csv_num(f, 0.6931); csv_end_row(f);
 *     if (csv_close(f)) ... cnn_last_error() says what went wrong
 *
 * Numbers are written with %.9g (enough digits to give back the same
 * float32 and double-precision values close to it); strings are quoted when
 * they hold a comma, a quote or white space, with quotes doubled (RFC 4180).
 * Write errors, and rows whose field count differs from the header's, are
 * remembered and reported once by csv_close, so the writing code stays
 * short. The calls accept a NULL file and do nothing. Chapters 01 to 07.
 */
#ifndef CNN_CSV_H
#define CNN_CSV_H

typedef struct CsvFile CsvFile;

/* Creates path and writes the header line (NULL for none). Returns an open
 * file that csv_close frees, or NULL with an error. */
CsvFile *csv_open(const char *path, const char *header);

/* Appends one field to the current row. */
void csv_num(CsvFile *f, double v);
void csv_str(CsvFile *f, const char *s);

/* Ends the current row. */
void csv_end_row(CsvFile *f);

/* Closes and frees f (NULL is fine). Returns 0, or -1 with an error naming
 * the file if any write, the close, or a row's field count failed. */
int csv_close(CsvFile *f);

#endif
