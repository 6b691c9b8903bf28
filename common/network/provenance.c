/* GIVEN -- read it, don't edit it. Part of common/network/.
 *
 * provenance.c -- printing whose code a program runs (see provenance.h). */
#include "provenance.h"

#include "error.h"

#include <string.h>

const ChapterOrigin *provenance_of(const char *chapter)
{
    for (const ChapterOrigin *c = provenance_chapters; c->chapter; c++)
        if (strcmp(c->chapter, chapter) == 0) return c;
    return NULL;
}

bool provenance_is_yours(const char *chapter)
{
    const ChapterOrigin *c = provenance_of(chapter);
    return c && c->yours;
}

/* One line: the operation, whose code, the chapter, and (the first time the
 * chapter appears) why. */
static void print_line(FILE *out, const char *what, const char *chapter, const char **shown, int *nshown)
{
    const ChapterOrigin *c = provenance_of(chapter);
    const char *whose = !c ? "?" : c->yours ? "yours" : "reference";
    bool first = true;
    for (int i = 0; i < *nshown; i++)
        if (strcmp(shown[i], chapter) == 0) first = false;
    if (first && *nshown < 16) shown[(*nshown)++] = chapter;
    fprintf(out, "  %-26s %-9s chapter %s%s%s\n", what, whose, chapter, first && c ? ": " : "",
            first && c ? c->why : "");
}

void provenance_print(FILE *out, const LayerOps *ops, const char *const *extra_chapters,
                      const char *const *extra_what)
{
    bool reference = strcmp(provenance_variant, "solution") == 0;
    fprintf(out, "Whose code runs (%s; %s):\n", reference ? "SOLUTION=1: the reference" : "your workbook",
            reference ? "without SOLUTION=1, your own chapters run" : "SOLUTION=1 runs the reference throughout");
    const char *shown[16];
    int nshown = 0;
    for (int op = 0; op < OP_COUNT; op++)
        if (ops->chapter[op]) /* NULL: an operation this table does not have */
            print_line(out, layer_op_name((LayerOp)op), ops->chapter[op], shown, &nshown);
    for (size_t i = 0; extra_chapters && extra_chapters[i]; i++)
        print_line(out, extra_what[i], extra_chapters[i], shown, &nshown);
}

const LayerOps *provenance_default_layers(void)
{
    return strcmp(provenance_variant, "solution") == 0 || provenance_is_yours("06") ? &layers_fast
                                                                                    : &layers_naive;
}

const LayerOps *layers_named(const char *name)
{
    if (strcmp(name, "naive") == 0) return &layers_naive;
    if (strcmp(name, "fast") == 0) return &layers_fast;
    cnn_error("--layers takes naive (chapters 03-05) or fast (chapter 06), not '%s'", name);
    return NULL;
}
