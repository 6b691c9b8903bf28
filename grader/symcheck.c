/* symcheck.c -- see symcheck.h. */
#include "symcheck.h"

#include "sandbox.h"
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The C library's computing functions an exercise may call. Math functions
 * come in three precisions (sqrt, sqrtf, sqrtl): only the double name is
 * listed, and the f/l forms are accepted with it. */
static const char *const MATH[] = {
    "acos", "asin", "atan", "atan2", "cos", "sin", "tan", "acosh", "asinh", "atanh", "cosh", "sinh",
    "tanh", "exp", "exp2", "expm1", "exp10", "frexp", "ldexp", "log", "log10", "log1p", "log2", "logb",
    "modf", "scalbn", "scalbln", "cbrt", "fabs", "hypot", "pow", "sqrt", "erf", "erfc", "lgamma",
    "tgamma", "ceil", "floor", "nearbyint", "rint", "lrint", "llrint", "round", "lround", "llround",
    "trunc", "fmod", "remainder", "remquo", "copysign", "nan", "nextafter", "nexttoward", "fdim",
    "fmax", "fmin", "fma", "ilogb", "sincos", "roundeven", NULL,
};

static const char *const LIBC[] = {
    /* memory and strings */
    "malloc", "calloc", "realloc", "free", "aligned_alloc", "posix_memalign", "memalign", "reallocarray",
    "memcpy", "memmove", "memset", "memcmp", "memchr", "bzero", "explicit_bzero", "strcpy", "strncpy",
    "strcat", "strncat", "strcmp", "strncmp", "strchr", "strrchr", "strstr", "strlen", "strnlen",
    "strspn", "strcspn", "strpbrk", "strtok", "strtok_r", "strdup", "strndup", "strerror", "stpcpy",
    "strlcpy", "strlcat", "memset_pattern16",
    /* numbers and sorting */
    "abs", "labs", "llabs", "div", "ldiv", "lldiv", "qsort", "bsearch", "atoi", "atol", "atoll", "atof",
    "strtol", "strtoll", "strtoul", "strtoull", "strtof", "strtod", "strtold", "rand", "srand", "rand_r",
    /* printing to the standard streams and into strings (no way to open any
     * other stream is allowed, so these can only reach stdout and stderr) */
    "printf", "fprintf", "vprintf", "vfprintf", "puts", "fputs", "putchar", "fputc", "putc", "fwrite",
    "fflush", "snprintf", "sprintf", "vsnprintf", "vsprintf", "perror", "putchar_unlocked",
    "fputc_unlocked", "putc_unlocked", "fwrite_unlocked", "_IO_putc", "__overflow", "sscanf",
    "stdout", "stderr", "stdin", "__stdoutp", "__stderrp", "__stdinp",
    /* characters */
    "isalnum", "isalpha", "isdigit", "isspace", "isupper", "islower", "isprint", "ispunct", "isxdigit",
    "tolower", "toupper", "__ctype_b_loc", "__ctype_tolower_loc", "__ctype_toupper_loc",
    /* assert(), errno, clocks (an exercise may time itself) */
    "__assert_fail", "__assert_rtn", "__assert", "__errno_location", "__error", "errno", "clock", "time",
    "clock_gettime", "difftime", "gettimeofday", "timespec_get",
    /* what compilers emit on their own */
    "_GLOBAL_OFFSET_TABLE_", "__dso_handle", "__tls_get_addr", "_mcount", "mcount", "__fentry__",
    NULL,
};

/* Prefixes of runtime and compiler-support symbols: OpenMP (GCC's GOMP_ and
 * LLVM's __kmpc_), the sanitizers, coverage, stack protection, CPU-feature
 * checks, libgcc's arithmetic helpers, the math libraries chapter 06 is
 * compared with. */
static const char *const PREFIXES[] = {
    "GOMP_", "omp_", "__kmpc_", "__asan_", "__ubsan_", "__sanitizer_", "__lsan_", "__msan_", "__tsan_",
    "__hwasan_", "__gcov_", "__llvm_", "__stack_chk_", "__cpu_model", "__cpu_features", "__cpu_indicator",
    "__x86.", "__mul", "__div", "__pow", "__popcount", "__clz", "__ctz", "__bswap", "__fix", "__float",
    "__extend", "__trunc", "__aeabi_", "__aarch64_", "__atomic_", "__sync_", "__isnan", "__isinf",
    "__fpclassify", "__signbit", "__finite", "__issignaling", "__builtin_", "__chkstk", "dnnl_",
    "cblas_", "openblas_", "__init_cpu_features", "__extendhfsf", "__truncsfhf", NULL,
};

/* The core library's functions that read or write files or start programs:
 * defined by the build, but no business of exercise code unless the
 * reference version of the same file uses them. */
static const char *const CORE_SIDE_EFFECTS[] = {
    "csv_", "dataset_", "cifar10_", "digits_", "idx_", "image_convert", "image_find_convert",
    "image_write_", "npy_read", "npy_write", "npy_save", "npy_load", "memory_keep_freed", NULL,
};

/* Plain words for what the refused functions do. */
static const struct { const char *what; const char *const names[80]; } KINDS[] = {
    {"ends the process (exercise code reports errors by returning them)",
     {"exit", "_exit", "_Exit", "quick_exit", "abort", "at_quick_exit", "atexit", "on_exit",
      "__cxa_atexit", "pthread_exit", "thrd_exit", NULL}},
    {"starts another process or program",
     {"fork", "vfork", "clone", "clone3", "system", "popen", "posix_spawn", "posix_spawnp", "execl",
      "execlp", "execle", "execv", "execvp", "execvpe", "execve", "fexecve", "daemon", "_Fork", NULL}},
    {"handles, blocks or sends signals",
     {"signal", "sigaction", "sigprocmask", "pthread_sigmask", "sigset", "sighold", "sigignore",
      "sigsuspend", "raise", "kill", "killpg", "alarm", "ualarm", "setitimer", "pause", "sigaltstack",
      "bsd_signal", "sysv_signal", "__sysv_signal", "pthread_kill", "tgkill", NULL}},
    {"opens, creates, changes or deletes files",
     {"fopen", "fopen64", "freopen", "fdopen", "tmpfile", "open", "open64", "openat", "creat", "remove",
      "unlink", "unlinkat", "rename", "renameat", "mkdir", "rmdir", "truncate", "ftruncate", "write",
      "pwrite", "writev", "chmod", "fchmod", "chown", "link", "symlink", "mkstemp", "mkdtemp", "tmpnam",
      "dup", "dup2", "dup3", "close", "utime", "utimes", "futimens", "open_memstream", "__open_2",
      "__openat_2", "read", "pread", "fread", "fclose", "fseek", "ftell", "rewind", "fgets", "fgetc",
      "getc", "opendir", "readdir", "closedir", "stat", "lstat", "fstat", "access", NULL}},
    {"jumps out of a function with setjmp/longjmp (a test's checks would be skipped)",
     {"setjmp", "_setjmp", "__sigsetjmp", "sigsetjmp", "longjmp", "_longjmp", "siglongjmp",
      "__longjmp_chk", NULL}},
    {"reaches the operating system directly",
     {"syscall", "ptrace", "mmap", "mmap64", "mprotect", "munmap", "dlopen", "dlsym", "dlvsym", "prctl",
      "setrlimit", "setuid", "setgid", "setsid", "setpgid", "chdir", "ioctl", "socket", "connect",
      "getenv", "secure_getenv", "setenv", "unsetenv", "putenv", "environ", "__environ", "pthread_create",
      "thrd_create", NULL}},
};

static bool in_list(const char *sym, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(sym, list[i]) == 0) return true;
    return false;
}

static bool has_prefix_in(const char *sym, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strncmp(sym, list[i], strlen(list[i])) == 0) return true;
    return false;
}

static bool is_math(const char *sym)
{
    if (in_list(sym, MATH)) return true;
    size_t n = strlen(sym);
    if (n < 2 || (sym[n - 1] != 'f' && sym[n - 1] != 'l')) return false;
    char base[64];
    if (n - 1 >= sizeof base) return false;
    memcpy(base, sym, n - 1);
    base[n - 1] = '\0';
    return in_list(base, MATH);
}

bool symcheck_always_allowed(const char *sym)
{
    if (in_list(sym, LIBC) || is_math(sym) || has_prefix_in(sym, PREFIXES)) return true;
    /* glibc's aliases of allowed functions: __isoc99_sscanf, __sqrt_finite,
     * the _FORTIFY_SOURCE checking forms __memcpy_chk, __printf_chk. */
    char base[128];
    if (strncmp(sym, "__isoc99_", 9) == 0 || strncmp(sym, "__isoc23_", 9) == 0) {
        snprintf(base, sizeof base, "%s", sym + 9);
        return symcheck_always_allowed(base);
    }
    size_t n = strlen(sym);
    if (n > 6 && strncmp(sym, "__", 2) == 0 && strcmp(sym + n - 4, "_chk") == 0 && n - 6 < sizeof base) {
        memcpy(base, sym + 2, n - 6);
        base[n - 6] = '\0';
        return symcheck_always_allowed(base);
    }
    if (n > 9 && strncmp(sym, "__", 2) == 0 && strcmp(sym + n - 7, "_finite") == 0 && n - 9 < sizeof base) {
        memcpy(base, sym + 2, n - 9);
        base[n - 9] = '\0';
        return is_math(base);
    }
    return false;
}

enum { KIND_COUNT = sizeof KINDS / sizeof KINDS[0] };

/* Which kind of refused call sym is: 0.. for the KINDS above (the most
 * serious first), then the core's file functions, then everything else. */
static int kind_of(const char *sym)
{
    for (int k = 0; k < KIND_COUNT; k++)
        if (in_list(sym, KINDS[k].names)) return k;
    if (has_prefix_in(sym, CORE_SIDE_EFFECTS)) return KIND_COUNT;
    return KIND_COUNT + 1;
}

static const char *plain_words(const char *sym)
{
    int k = kind_of(sym);
    if (k < KIND_COUNT) return KINDS[k].what;
    if (k == KIND_COUNT) return "reads or writes files through the core library";
    return "is not something this chapter's exercises need";
}

/* ---- nm ----------------------------------------------------------------------- */

/* The binutils that read the objects: nm and objdump, or the target's when
 * the build is a cross build (NM=aarch64-linux-gnu-nm and
 * OBJDUMP=aarch64-linux-gnu-objdump, set by grader/test-arm64.sh): the
 * host's objdump cannot disassemble another architecture's code. */
static char *binutil(const char *variable, const char *fallback)
{
    const char *set = getenv(variable);
    return (char *)(set && *set ? set : fallback);
}

/* The symbols nm lists for a file, as "name type" lines (POSIX format). */
static int nm_lines(const char *path, char **out)
{
    char *argv[] = {binutil("NM", "nm"), "-P", (char *)path, NULL};
    int rc = sandbox_capture(argv, 60, 16u << 20, out);
    return rc == 0 ? 0 : -1;
}

/* nm -P -A over every path at once: one process instead of one per file
 * (starting nm, not reading the files, is what costs: about 25 ms a file,
 * a second for a chapter of 35 objects). Each line of *out is "path: name
 * type ..." or, for an archive, "lib.a[member.o]: name type ...". */
static int nm_all(const char *const *paths, size_t n, char **out)
{
    *out = NULL;
    char **argv = calloc(n + 4, sizeof *argv);
    if (!argv) return -1;
    argv[0] = binutil("NM", "nm");
    argv[1] = "-P";
    argv[2] = "-A";
    for (size_t i = 0; i < n; i++) argv[3 + i] = (char *)paths[i];
    int rc = sandbox_capture(argv, 60, 64u << 20, out);
    free(argv);
    return rc == 0 ? 0 : -1;
}

/* Which of paths[0..n) a line of nm_all's or objdump's output is about (the
 * path, then an archive member in brackets, then `sep`): its index, with
 * *rest just after sep; -1 when none. */
static int line_owner(const char *line, const char *const *paths, size_t n, const char *sep, const char **rest)
{
    size_t sep_len = strlen(sep);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(paths[i]);
        if (strncmp(line, paths[i], len) != 0) continue;
        const char *p = line + len;
        if (*p == '[') {
            p = strchr(p, ']');
            if (!p) continue;
            p++;
        }
        if (strncmp(p, sep, sep_len) == 0) {
            *rest = p + sep_len;
            return (int)i;
        }
    }
    return -1;
}

static const char *strip_underscore(const char *name)
{
#ifdef __APPLE__
    if (name[0] == '_') return name + 1; /* Mach-O prefixes C names with '_' */
#endif
    return name;
}

/* Calls fn(name, type) for each line of nm -P output. */
static void each_symbol(char *lines, void (*fn)(const char *, char, void *), void *arg)
{
    for (char *line = strtok(lines, "\n"); line; line = strtok(NULL, "\n")) {
        char *space = strchr(line, ' ');
        if (!space || space == line) continue; /* "lib.a[x.o]:" headers */
        *space = '\0';
        char type = space[1];
        fn(strip_underscore(line), type, arg);
    }
}

typedef struct {
    Buf names;   /* "\nname\nname\n": looked up with strstr */
} NameSet;

static void set_add(NameSet *s, const char *name)
{
    if (s->names.len == 0) buf_puts(&s->names, "\n");
    buf_puts(&s->names, name);
    buf_puts(&s->names, "\n");
}

static bool set_has(const NameSet *s, const char *name)
{
    char key[300];
    snprintf(key, sizeof key, "\n%s\n", name);
    return s->names.len && strstr(s->names.data, key) != NULL;
}

static void add_undefined(const char *name, char type, void *arg)
{
    if (type == 'U' || type == 'w' || type == 'v') set_add(arg, name);
}

int symcheck_undefined(const char *object, char **out)
{
    char *lines;
    *out = NULL;
    if (nm_lines(object, &lines) != 0) {
        free(lines);
        return -1;
    }
    NameSet undefined = {{0}};
    each_symbol(lines, add_undefined, &undefined);
    free(lines);
    Buf b = {0};
    if (undefined.names.len) {
        const char *p = undefined.names.data + 1;
        buf_puts(&b, p);
    }
    buf_free(&undefined.names);
    *out = b.data ? b.data : calloc(1, 1);
    return 0;
}

/* ---- allowed-symbols.txt ------------------------------------------------------------ */

/* The symbols the reference of chapter/file uses beyond the fixed lists, as
 * a NameSet ("chapter/file sym sym ..." lines). */
static void load_file_allowance(const char *path, const char *chapter, const char *file, NameSet *set)
{
    char *text;
    if (read_file(path, 4u << 20, &text, NULL, NULL) != 0) return;
    char key[300];
    snprintf(key, sizeof key, "%s/%s", chapter, file);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#') continue;
        size_t n = strlen(key);
        if (strncmp(line, key, n) != 0 || line[n] != ' ') continue;
        char *save = NULL;
        for (char *tok = strtok_r(line + n + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
            set_add(set, tok);
        break;
    }
    free(text);
}

/* ---- finding the line ---------------------------------------------------------------- */

static void find_in_source(const char *source, const char *symbol, SymbolFinding *f)
{
    char *text;
    if (read_file(source, 4u << 20, &text, NULL, NULL) != 0) return;
    int line = 1;
    size_t n = strlen(symbol);
    for (char *p = text; *p; p++) {
        if (*p == '\n') { line++; continue; }
        if (strncmp(p, symbol, n) == 0 && (p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
            !(isalnum((unsigned char)p[n]) || p[n] == '_')) {
            char *start = p, *end = p;
            while (start > text && start[-1] != '\n') start--;
            while (*end && *end != '\n') end++;
            while (start < end && isspace((unsigned char)*start)) start++;
            if (start[0] == '/' && (start[1] == '/' || start[1] == '*')) { p = end - 1; continue; }
            size_t len = (size_t)(end - start);
            if (len >= sizeof f->code) len = sizeof f->code - 1;
            memcpy(f->code, start, len);
            f->code[len] = '\0';
            f->line = line;
            break;
        }
    }
    free(text);
}

/* ---- inline system calls ------------------------------------------------------------- */

/* Whether an instruction line of objdump -d enters the kernel: x86's
 * syscall, sysenter and int $0x80 (objdump's AT&T syntax), arm64's svc. */
static bool is_syscall_instruction(const char *line)
{
    const char *tab = strchr(line, '\t');
    if (!tab) return false;
    const char *insn = tab + 1;
    while (*insn == ' ' || *insn == '\t') insn++;
    return strncmp(insn, "syscall", 7) == 0 || strncmp(insn, "sysenter", 8) == 0 ||
           strncmp(insn, "int    $0x80", 12) == 0 || strncmp(insn, "int $0x80", 9) == 0 ||
           strncmp(insn, "svc", 3) == 0;
}

/* found[i] = whether object i's disassembly holds an instruction that enters
 * the kernel; one objdump for all of them (each file's part starts with a
 * "path:     file format ..." line). -1 when objdump failed: a scan that
 * could not read the code (another machine's objects and the host's
 * objdump, "can't disassemble for architecture UNKNOWN") must not pass it. */
static int find_syscall_instructions(const char *const *objects, size_t n, bool *found)
{
    for (size_t i = 0; i < n; i++) found[i] = false;
    if (n == 0) return 0;
    char **argv = calloc(n + 4, sizeof *argv);
    if (!argv) return -1;
    argv[0] = binutil("OBJDUMP", "objdump");
    argv[1] = "-d";
    argv[2] = "--no-show-raw-insn";
    for (size_t i = 0; i < n; i++) argv[3 + i] = (char *)objects[i];
    char *out;
    int rc = sandbox_capture(argv, 60, 64u << 20, &out);
    free(argv);
    int owner = -1;
    if (rc == 0 && out) {
        for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
            const char *rest;
            int o = line_owner(line, objects, n, ":", &rest);
            if (o >= 0 && strstr(rest, "file format")) owner = o;
            else if (owner >= 0 && is_syscall_instruction(line)) found[owner] = true;
        }
    }
    free(out);
    return rc == 0 ? 0 : -1;
}

/* ---- the check ------------------------------------------------------------------------ */

static int add_finding(SymbolFindings *fs, const SymbolFinding *f)
{
    SymbolFinding *grown = realloc(fs->items, (fs->count + 1) * sizeof *grown);
    if (!grown) return -1;
    fs->items = grown;
    fs->items[fs->count++] = *f;
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int symcheck_run(const SymbolCheck *check, SymbolFindings *fs, char *error, size_t error_size)
{
    fs->items = NULL;
    fs->count = 0;
    /* One nm over the student's objects, the trusted ones and the core:
     * what the build defines, and what each student object calls. */
    size_t n = check->student_count + check->trusted_count + (check->core_library ? 1 : 0);
    const char **paths = calloc(n ? n : 1, sizeof *paths);
    NameSet *undefined_of = calloc(check->student_count ? check->student_count : 1, sizeof *undefined_of);
    bool *has_syscall = calloc(check->student_count ? check->student_count : 1, sizeof *has_syscall);
    if (!paths || !undefined_of || !has_syscall) {
        free(paths), free(undefined_of), free(has_syscall);
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < check->student_count; i++) paths[k++] = check->student_objects[i];
    for (size_t i = 0; i < check->trusted_count; i++) paths[k++] = check->trusted_objects[i];
    if (check->core_library) paths[k++] = check->core_library;
    char *lines;
    if (nm_all(paths, n, &lines) != 0) {
        /* Name the file nm could not read: ask for each in turn. */
        free(lines);
        snprintf(error, error_size, "%s could not read the objects (is binutils installed?)", binutil("NM", "nm"));
        for (size_t i = 0; i < n; i++) {
            char *one;
            int bad = nm_lines(paths[i], &one) != 0;
            free(one);
            if (bad) {
                snprintf(error, error_size, "%s could not read %s (is binutils installed?)", binutil("NM", "nm"),
                         paths[i]);
                break;
            }
        }
        free(paths), free(undefined_of), free(has_syscall);
        return -1;
    }
    NameSet defined = {{0}};
    for (char *line = strtok(lines, "\n"); line; line = strtok(NULL, "\n")) {
        const char *rest;
        int o = line_owner(line, paths, n, ": ", &rest);
        if (o < 0) continue; /* an archive's own header line */
        const char *space = strchr(rest, ' ');
        if (!space || space == rest) continue;
        char name[512];
        size_t len = (size_t)(space - rest) < sizeof name - 1 ? (size_t)(space - rest) : sizeof name - 1;
        memcpy(name, rest, len);
        name[len] = '\0';
        char type = space[1];
        const char *sym = strip_underscore(name);
        bool core = check->core_library && (size_t)o == n - 1;
        if (type == 'U' || type == 'w' || type == 'v') {
            if ((size_t)o < check->student_count) set_add(&undefined_of[o], sym);
            continue;
        }
        if (core && has_prefix_in(sym, CORE_SIDE_EFFECTS)) continue;
        set_add(&defined, sym);
    }
    free(lines);
    free(paths);
    if (find_syscall_instructions(check->student_objects, check->student_count, has_syscall) != 0) {
        snprintf(error, error_size, "%s could not disassemble the objects (is binutils installed? "
                 "another machine's objects need its objdump, e.g. OBJDUMP=aarch64-linux-gnu-objdump)",
                 binutil("OBJDUMP", "objdump"));
        buf_free(&defined.names);
        for (size_t i = 0; i < check->student_count; i++) buf_free(&undefined_of[i].names);
        free(undefined_of), free(has_syscall);
        return -1;
    }

    for (size_t i = 0; i < check->student_count; i++) {
        const char *object = check->student_objects[i];
        char source_name[128];
        snprintf(source_name, sizeof source_name, "%s", base_name(object));
        char *dot = strrchr(source_name, '.');
        if (dot) snprintf(dot, sizeof source_name - (size_t)(dot - source_name), ".c");
        char source[512];
        snprintf(source, sizeof source, "%s/%s", check->source_dir, source_name);

        NameSet allowance = {{0}};
        load_file_allowance(check->allowed_symbols_path, check->chapter, source_name, &allowance);
        char *undefined = undefined_of[i].names.len ? undefined_of[i].names.data + 1 : NULL;
        for (char *sym = undefined ? strtok(undefined, "\n") : NULL; sym; sym = strtok(NULL, "\n")) {
            if (set_has(&defined, sym) || symcheck_always_allowed(sym) || set_has(&allowance, sym)) continue;
            SymbolFinding f;
            memset(&f, 0, sizeof f);
            snprintf(f.file, sizeof f.file, "%s", source_name);
            snprintf(f.symbol, sizeof f.symbol, "%s", sym);
            snprintf(f.what, sizeof f.what, "%s", plain_words(sym));
            find_in_source(source, sym, &f);
            add_finding(fs, &f);
        }
        buf_free(&undefined_of[i].names);
        buf_free(&allowance.names);
        if (has_syscall[i]) {
            SymbolFinding f;
            memset(&f, 0, sizeof f);
            snprintf(f.file, sizeof f.file, "%s", source_name);
            snprintf(f.symbol, sizeof f.symbol, "a system-call instruction");
            snprintf(f.what, sizeof f.what, "reaches the operating system directly (inline assembly)");
            find_in_source(source, "asm", &f);
            if (!f.line) find_in_source(source, "__asm__", &f);
            add_finding(fs, &f);
        }
    }
    buf_free(&defined.names);
    free(undefined_of);
    free(has_syscall);
    /* The most serious first, so the grade names what matters (exit before
     * a stray closedir); a stable insertion sort keeps file order. */
    for (size_t i = 1; i < fs->count; i++) {
        SymbolFinding f = fs->items[i];
        int k = strcmp(f.symbol, "a system-call instruction") == 0 ? -1 : kind_of(f.symbol);
        size_t j = i;
        while (j > 0) {
            const SymbolFinding *prev = &fs->items[j - 1];
            int pk = strcmp(prev->symbol, "a system-call instruction") == 0 ? -1 : kind_of(prev->symbol);
            if (pk <= k) break;
            fs->items[j] = fs->items[j - 1];
            j--;
        }
        fs->items[j] = f;
    }
    return 0;
}

void symcheck_free(SymbolFindings *fs)
{
    free(fs->items);
    fs->items = NULL;
    fs->count = 0;
}
