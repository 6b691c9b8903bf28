/* symcheck.h -- what a student's object files call, checked before they run.
 *
 * Exercise code computes: it reads its inputs, writes its outputs, allocates
 * memory, does maths and may print. It never ends the process, starts
 * processes or programs, handles or sends signals, jumps with longjmp, or
 * opens and writes files, and none of that can be part of an honest answer:
 * a function that calls exit(0) would end the test before its checks, and
 * one that writes files could rewrite the grader's records. So before any
 * test runs, the grader lists the symbols each of the student's object files
 * needs (nm) and refuses to run code that needs one outside
 *
 *   - the functions the build itself defines (the chapter, the chapters it
 *     builds on, the core library minus its file and program functions);
 *   - a fixed list of the C library's computing, memory, string and printing
 *     functions, OpenMP's runtime, and what compilers and sanitizers emit;
 *   - what the reference version of that same file uses (grader/allowed-symbols.txt,
 *     written by `make manifest`), so a given file that saves a model may.
 *
 * It also looks for system-call instructions written in inline assembly
 * (objdump), which reach the kernel without any symbol.
 *
 * The environment variables NM and OBJDUMP name other binutils for a cross
 * build's objects (grader/test-arm64.sh: aarch64-linux-gnu-nm, -objdump).
 */
#ifndef GRADER_SYMCHECK_H
#define GRADER_SYMCHECK_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char file[128];     /* the source file's name, e.g. conv_single.c */
    char symbol[128];   /* what it needs, e.g. exit */
    char what[160];     /* in plain words: "ends the process" */
    int line;           /* where in the source it appears (0: not found) */
    char code[160];     /* that line, trimmed */
} SymbolFinding;

typedef struct {
    SymbolFinding *items;
    size_t count;
} SymbolFindings;

typedef struct {
    const char *const *student_objects;   /* the student's .o files, checked */
    size_t student_count;
    const char *source_dir;               /* where their .c files are (for lines) */
    const char *const *trusted_objects;   /* dependency objects: their symbols are allowed */
    size_t trusted_count;
    const char *core_library;             /* libcnn.a */
    const char *chapter;                  /* the slug, e.g. 02-convolution */
    const char *allowed_symbols_path;     /* grader/allowed-symbols.txt */
} SymbolCheck;

/* Fills *findings (empty when the code may run). Returns 0, or -1 when the
 * check itself could not run (no nm?), with a message in error. */
int symcheck_run(const SymbolCheck *check, SymbolFindings *findings, char *error, size_t error_size);

void symcheck_free(SymbolFindings *findings);

/* True when an exercise may use `symbol` without the reference file's leave:
 * the fixed lists above (not the build's own definitions). */
bool symcheck_always_allowed(const char *symbol);

/* The undefined symbols of one object file, one per line, with the platform's
 * leading underscore removed, in *out (caller frees). Returns 0 or -1. */
int symcheck_undefined(const char *object, char **out);

#endif
