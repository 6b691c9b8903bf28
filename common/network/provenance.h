/* GIVEN -- read it, don't edit it. Part of common/network/.
 *
 * provenance.h -- whose code this program runs, chapter by chapter.
 *
 * A program you run is built from your code for every chapter you have
 * started and from the reference (solutions/) for every chapter you have not
 * (`grader assemble` decides, and writes that choice as the data below into
 * the build: build/assembled/<student|solution>/provenance.c). Before a
 * program trains or draws, it says which code runs for each operation, so
 * you always know whether a number is your network's:
 *
 *     convolution forward    yours      chapter 03
 *     convolution backward   reference  chapter 05 untouched: ... make grade CH=05 to start it
 *
 * `SOLUTION=1` builds the reference throughout.
 */
#ifndef NETWORK_PROVENANCE_H
#define NETWORK_PROVENANCE_H

#include "layers.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct ChapterOrigin {
    const char *chapter;  /* "03" */
    const char *name;     /* "padding-stride" */
    int yours;            /* 1: built from chapters/ (your code); 0: from solutions/ */
    const char *why;      /* "you have started it (conv2d.c)", "chapter 05 untouched: ..." */
} ChapterOrigin;

/* The generated data: one entry per chapter, ended by a zeroed entry. */
extern const ChapterOrigin provenance_chapters[];
/* "student" (your workbook) or "solution" (SOLUTION=1). */
extern const char provenance_variant[];

/* The entry of chapter "NN", or NULL. */
const ChapterOrigin *provenance_of(const char *chapter);

/* True when the chapter's code in this build is yours. */
bool provenance_is_yours(const char *chapter);

/* The layers a program uses unless told otherwise: chapter 06's fast
 * layers when that chapter is yours (or in the reference build), else your
 * naive layers of chapters 03-05 -- so what runs is always your own code. */
const LayerOps *provenance_default_layers(void);

/* "naive" or "fast" -> its table; NULL with an error for any other name. */
const LayerOps *layers_named(const char *name);

/* Prints, for every operation of ops, whose code runs and why, and the
 * lines for the other chapters listed in extra ("05" for the loss, SGD and
 * the training step, say), each with what it does. */
void provenance_print(FILE *out, const LayerOps *ops, const char *const *extra_chapters,
                      const char *const *extra_what);

#endif
