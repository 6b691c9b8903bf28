/* GIVEN -- read it, don't edit it.
 *
 * bench_main.c -- chapter 06: `make bench`, the speed report.
 *
 *     bench [--csv FILE] [--machine-csv FILE] [--peer-csv FILE] [--variant NAME]
 *           [--only LIST] [--shapes LIST] [--threads LIST] [--budget SECONDS]
 *           [--rounds N]
 *
 * For each layer shape, times the naive convolution of chapter 03, each
 * step of this chapter (im2col + gemm_naive, + gemm_blocked, + the packed
 * GEMM with the portable and the intrinsics micro-kernel), the threaded
 * conv2d_forward_fast, and two library peers when the build found them:
 * OpenBLAS (im2col + cblas_sgemm per image) and oneDNN's convolution
 * primitive in its own layouts (onednn_peer.h), at 1 and 2 threads; and
 * PyTorch's conv2d from a CSV that bench_torch.py wrote. Every result is
 * first checked against the naive convolution: a wrong implementation is
 * reported as WRONG, never with a speed. On request (--only), the fast path
 * forced each of its ways (FC_CONV=packed, in-place, wide, batched) is
 * timed as an implementation of its own, in the same rounds: what one way
 * buys over another on this machine, measured as a ratio.
 *
 * The implementations of a shape are timed in interleaved rounds (11 by
 * default, bench.h says why), each round running every one of them in a
 * rotating order, after one checked warm-up run each; a time is the median
 * over the rounds, and every ratio (to the naive convolution, to each peer,
 * of 2 threads to 1) is computed within each round, then its median and
 * range taken (bench_timing.c says why). GFLOP/s counts 2*N*K*P*Q*C*R*S
 * flops (bias additions left out), and % peak divides by the FMA peak this
 * program measures at start-up with the same thread count. A stream-like
 * triad measures memory bandwidth, the second roof of the roofline plot.
 *
 * Output: a table per shape and a summary on stdout; one CSV row per
 * measurement (--csv) and the machine's peak and bandwidth (--machine-csv).
 * `bench --help` lists the options. The command line is checked before
 * anything is timed, with common/network/cli.c's number parsers.
 * Exit status, as for every program of the workbook: 0 done; 1 a runtime
 * error (out of memory, a failing call, an unwritable file) or an
 * implementation that gave wrong results (marked WRONG); 2 a bad command
 * line (an unknown option, a missing or bad value, an unknown name).
 *
 * This file is the program: the options, what it says about the machine,
 * the files it reads and writes, and the order of things. The work is in
 * the other bench_*.c files (bench.h says which does what).
 */
#include "bench.h"

#include "cli.h"
#include "error.h"
#include "memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BENCH_X86 1
#endif

/* ---- the command line --------------------------------------------------- */

/* The names --shapes and --only accept, comma-separated, for messages. */
static void shape_names(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < bench_nshapes && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", bench_shapes[i].name);
}

static void impl_names(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < bench_nimpls && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", bench_impls[i].name);
}

static void usage(FILE *f)
{
    char sn[256], in[256];
    shape_names(sn, sizeof sn);
    impl_names(in, sizeof in);
    fprintf(f,
            "usage: bench [--csv FILE] [--machine-csv FILE] [--peer-csv FILE] [--variant NAME]\n"
            "             [--only LIST] [--shapes LIST] [--threads LIST] [--budget SECONDS]\n"
            "             [--rounds N]\n"
            "Times chapter 06's convolutions, the naive one and the library peers of this build\n"
            "on each layer shape; prints a table per shape and a summary of GFLOP/s.\n"
            "  --csv FILE          write one CSV row per measurement\n"
            "  --machine-csv FILE  write the measured FMA peak and memory bandwidth\n"
            "  --peer-csv FILE     add PyTorch's timings from this CSV (bench/bench_torch.py)\n"
            "  --variant NAME      the variant column of the CSV (default: solution)\n"
            "  --only LIST         time only these implementations: %s\n"
            "  --shapes LIST       time only these shapes: %s\n"
            "  --threads LIST      thread counts for the threaded rows: 1, 2 or 1,2 (default 1,2)\n"
            "  --budget SECONDS    about this much timing per measurement over all rounds\n"
            "                      (each round runs it at least once), 0.001 to 3600 (default 1)\n"
            "  --rounds N          interleaved rounds per shape: every implementation runs once\n"
            "                      in each, ratios are taken within a round; 3 to %d (default %d)\n"
            "                      (fast_packed, fast_in_place, fast_wide and fast_batched: the fast\n"
            "                      path forced one way by FC_CONV; timed only when named here)\n"
            "LISTs are comma-separated, e.g. --only naive,fast --shapes cifar-conv1.\n",
            in, sn, BENCH_MAX_ROUNDS, BENCH_DEFAULT_ROUNDS);
}

/* Checks each comma-separated name of list (the value of option) against
 * the shapes (is_impl 0) or the implementations of this build (is_impl 1).
 * A typo must not quietly time nothing and exit 0 with an empty table. */
static int check_names(const char *option, const char *list, int is_impl)
{
    char valid[256];
    if (is_impl) impl_names(valid, sizeof valid);
    else shape_names(valid, sizeof valid);
    const char *what = is_impl ? "implementation" : "shape";
    for (const char *s = list;; s++) {
        size_t len = strcspn(s, ",");
        int found = 0;
        for (int i = 0; i < (is_impl ? bench_nimpls : bench_nshapes) && !found; i++) {
            const char *name = is_impl ? bench_impls[i].name : bench_shapes[i].name;
            found = strlen(name) == len && strncmp(name, s, len) == 0;
        }
        if (len == 0)
            return cnn_error("%s: an empty name in '%s' (expected comma-separated %ss: %s)", option, list,
                             what, valid);
        const char *hint = is_impl ? bench_missing_peer_hint(s, len) : NULL;
        if (!found && hint)
            return cnn_error("%s: '%.*s' is not in this build (%s); the %ss here: %s", option, (int)len, s,
                             hint, what, valid);
        if (!found)
            return cnn_error("%s: unknown %s '%.*s' (the %ss: %s)", option, what, (int)len, s, what, valid);
        s += len;
        if (*s == '\0') return 0;
    }
}

/* --threads LIST: 1, 2 or both, each once. */
static int parse_threads(BenchOptions *o, const char *option, const char *list)
{
    o->nthreads = 0;
    for (const char *s = list;; s++) {
        size_t len = strcspn(s, ",");
        char item[16];
        int t = 0;
        snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item ? len : sizeof item - 1), s);
        int bad = len >= sizeof item || cli_int(&t, option, item, 1, 2) != 0;
        for (int i = 0; i < o->nthreads && !bad; i++) bad = o->threads[i] == t;
        if (bad || o->nthreads == 2)
            return cnn_error("%s takes 1, 2 or 1,2 (each at most once), got '%s'", option, list);
        o->threads[o->nthreads++] = t;
        s += len;
        if (*s == '\0') return 0;
    }
}

/* Every option bench takes; each one takes a value. */
static int is_option(const char *o)
{
    static const char *const options[] = {"--csv",    "--machine-csv", "--variant", "--only",
                                          "--shapes", "--peer-csv",    "--threads", "--budget",
                                          "--rounds"};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        if (strcmp(o, options[i]) == 0) return 1;
    return 0;
}

/* Fills *o from the command line. Returns 0, 1 when --help was asked for
 * (the usage is printed), or -1 with an error for a bad command line. */
static int parse_options(int argc, char **argv, BenchOptions *o)
{
    *o = (BenchOptions){.variant = "solution", .threads = {1, 2}, .nthreads = 2, .threads_text = "1,2", .budget = 1.0,
                        .rounds = BENCH_DEFAULT_ROUNDS};
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 1;
        }
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strncmp(a, "--", 2) != 0) return cnn_error("unexpected argument '%s' (options start with --)", a);
        if (!is_option(a)) return cnn_error("unknown option %s", a);
        /* "--csv --budget 2" means a forgotten value, not a file named "--budget". */
        if (!v || strncmp(v, "--", 2) == 0 || v[0] == '\0') return cnn_error("%s needs a value", a);
        int rc = 0;
        if (strcmp(a, "--csv") == 0) o->csv = v;
        else if (strcmp(a, "--machine-csv") == 0) o->machine_csv = v;
        else if (strcmp(a, "--peer-csv") == 0) o->peer_csv = v;
        else if (strcmp(a, "--variant") == 0) {
            o->variant = v;
            if (strpbrk(v, ",\"\n\r")) /* it is written into every CSV row as it is */
                rc = cnn_error("%s: expected a name without commas, quotes or newlines, got '%s'", a, v);
        } else if (strcmp(a, "--only") == 0) {
            o->only = v;
            rc = check_names(a, v, 1);
        } else if (strcmp(a, "--shapes") == 0) {
            o->shapes = v;
            rc = check_names(a, v, 0);
        } else if (strcmp(a, "--threads") == 0) {
            o->threads_text = v;
            rc = parse_threads(o, a, v);
        } else if (strcmp(a, "--budget") == 0) {
            float budget; /* cli_float refuses nan, inf and anything out of range */
            rc = cli_float(&budget, a, v, 1e-3, 3600.0);
            if (rc == 0) o->budget = budget;
        } else if (strcmp(a, "--rounds") == 0) {
            rc = cli_int(&o->rounds, a, v, 3, BENCH_MAX_ROUNDS);
        }
        if (rc != 0) return -1;
    }
    return 0;
}

/* ---- OpenBLAS's kernels: settled first, as it may mean a re-run --------- */

#ifdef HAVE_OPENBLAS
/* OpenBLAS picks its kernels from the CPU model when it loads. A model newer
 * than the library (0.3.21, Debian 12's, does not know 5th-generation Xeons)
 * gets its SSE3 "Prescott" kernels, a fraction of what it can do. Then the
 * benchmark runs itself again with OPENBLAS_CORETYPE naming the best kernels
 * the CPU's features allow, so that the peer is timed at its best. Returns
 * only when nothing needs changing or the re-run could not start. */
static void openblas_use_best_kernels(char **argv)
{
    if (getenv("OPENBLAS_CORETYPE")) return; /* the user's choice, or this is the re-run */
    static const char *const vector_cores[] = {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"};
    const char *core = openblas_get_corename();
    for (size_t i = 0; i < sizeof vector_cores / sizeof vector_cores[0]; i++)
        if (strcasecmp(core, vector_cores[i]) == 0) return;
    const char *best = NULL;
#ifdef BENCH_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        best = "SkylakeX";
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        best = "Haswell";
#endif
    if (!best) return;
    setenv("OPENBLAS_CORETYPE", best, 1);
    setenv("BENCH_OPENBLAS_AUTO_CORE", core, 1);
    fflush(stdout);
    execv("/proc/self/exe", argv);
    unsetenv("OPENBLAS_CORETYPE"); /* could not re-run: go on with what OpenBLAS picked */
    unsetenv("BENCH_OPENBLAS_AUTO_CORE");
}
#endif

static int bad_usage(const char *msg)
{
    fprintf(stderr, "bench: %s\n(bench --help lists the options)\n", msg);
    return 2;
}

/* Known names can still leave nothing to time (--only naive --threads 2).
 * Returns 1 and says why in msg when they do, rather than print an empty
 * table. */
static int nothing_to_time(const BenchOptions *opt, const char *kname, char *msg, size_t size)
{
    int timed = 0;
    for (int i = 0; i < bench_nimpls; i++)
        for (int ti = 0; ti < opt->nthreads; ti++)
            timed += bench_wanted(opt, &bench_impls[i]) &&
                     bench_runs(&bench_impls[i], opt->threads[ti], kname);
    if (timed) return 0;
    char two[128] = "";
    for (int i = 0, used = 0; i < bench_nimpls; i++)
        if (bench_impls[i].threaded && used < (int)sizeof two)
            used += snprintf(two + used, sizeof two - (size_t)used, "%s%s", used ? ", " : "", bench_impls[i].name);
    int one_thread = 0;
    for (int ti = 0; ti < opt->nthreads; ti++) one_thread |= opt->threads[ti] == 1;
    if (one_thread)
        snprintf(msg, size, "--only %s leaves nothing to time: packed_simd needs an intrinsics "
                 "micro-kernel, and this CPU has only the portable one", opt->only ? opt->only : "");
    else
        snprintf(msg, size, "--only %s with --threads %s leaves nothing to time: at 2 threads only "
                 "these run: %s; add --threads 1", opt->only ? opt->only : "", opt->threads_text, two);
    return 1;
}

/* ---- the machine -------------------------------------------------------- */

/* What could make the timings misleading, before anything is timed: more
 * threads than cores, other programs running; and which peers this build
 * has. */
static void describe_machine(const BenchOptions *opt, long cores)
{
    const char *omp_env = getenv("OMP_NUM_THREADS");
    if (omp_env && atol(omp_env) > cores)
        printf("  WARNING: OMP_NUM_THREADS=%s is more than the %ld cores: threads will share cores "
               "(oversubscription) and the timings will suffer\n", omp_env, cores);
    for (int t = 0; t < opt->nthreads; t++)
        if (opt->threads[t] > cores)
            printf("  WARNING: timing %d threads on %ld core(s) oversubscribes the machine: "
                   "2-thread numbers are not meaningful here\n", opt->threads[t], cores);
    double load = 0.0;
    FILE *lf = fopen("/proc/loadavg", "r");
    if (lf) {
        if (fscanf(lf, "%lf", &load) != 1) load = 0.0;
        fclose(lf);
    }
    if (load > 0.5)
        printf("  WARNING: load average %.2f: other programs are running, so timings are noisy "
               "(rerun on an idle machine for numbers to quote)\n", load);
    bench_print_peers(getenv("OPENBLAS_CORETYPE"), getenv("BENCH_OPENBLAS_AUTO_CORE"));
}

/* ---- the files ---------------------------------------------------------- */

static int write_machine_csv(const char *path, const double peak[2], const double bw[2], const char *isa,
                             const char *kernel, const char *cpu, const char *date)
{
    FILE *m = fopen(path, "w");
    if (!m) {
        fprintf(stderr, "bench: cannot write %s\n", path);
        return -1;
    }
    bench_machine_csv(m, peak, bw, isa, kernel, cpu, date);
    if (fclose(m) != 0) {
        fprintf(stderr, "bench: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

/* The CPU's model name (Linux: /proc/cpuinfo), without commas, for the
 * machine's CSV and the figures; "unknown CPU" elsewhere. */
static void cpu_model(char *buf, size_t size)
{
    snprintf(buf, size, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) != 0 || !colon) continue;
        colon += strspn(colon + 1, " \t") + 1;
        colon[strcspn(colon, "\n")] = '\0';
        for (char *c = colon; *c; c++)
            if (*c == ',' || *c == '"') *c = ' ';
        if (*colon) snprintf(buf, size, "%s", colon);
        break;
    }
    fclose(f);
}

/* PyTorch's timings, as bench_torch.py wrote them (a missing file is no
 * error: then there are none). Returns how many were read. */
static int read_torch_csv(const char *path, BenchResults *results, FILE *csv, const char *variant,
                          const double peak[2])
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[256];
    int count = 0;
    while (fgets(line, sizeof line, f)) count += bench_torch_row(line, results, csv, variant, peak);
    fclose(f);
    return count;
}

/* ---- the program -------------------------------------------------------- */

int main(int argc, char **argv)
{
#ifdef HAVE_OPENBLAS
    openblas_use_best_kernels(argv);
#endif
    memory_keep_freed(); /* reuse the per-batch scratch buffers' pages (see memory.h) */
    BenchOptions opt;
    int parsed = parse_options(argc, argv, &opt);
    if (parsed < 0) return bad_usage(cnn_last_error());
    if (parsed > 0) return 0; /* --help */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const GemmKernel *kernel = gemm_kernel_active(); /* FC_KERNEL, or the best this CPU runs */
    if (!kernel) return bad_usage(cnn_last_error());
    const char *kname = kernel->name;
    char msg[512];
    if (nothing_to_time(&opt, kname, msg, sizeof msg)) return bad_usage(msg);
    double fpi;
    const char *isa = bench_fma_isa(&fpi);

    printf("Chapter 06 benchmark (%s code): %d interleaved rounds after a checked warm-up; times and ratios "
           "are medians over the rounds\n", opt.variant, opt.rounds);
    printf("  cores online: %ld; micro-kernel picked at run time: %s (tile %dx%d, kc %d, mc %d, nc %d%s); "
           "FMA peak loop: %s\n", cores, kname, kernel->mr, kernel->nr, kernel->kc, kernel->mc, kernel->nc,
           getenv("FC_KERNEL") && *getenv("FC_KERNEL") ? ", forced by FC_KERNEL" : "", isa);
    describe_machine(&opt, cores);
    double peak[2] = {0, 0}, bw[2] = {0, 0};
    for (int t = 1; t <= 2; t++) {
        peak[t - 1] = bench_measure_peak(t);
        bw[t - 1] = bench_measure_bandwidth(t);
        printf("  measured peak, %d thread(s): %.1f GFLOP/s (%s FMA); memory bandwidth (triad) %.1f GB/s\n",
               t, peak[t - 1], isa, bw[t - 1]);
    }
    for (int t = 1; t <= 2; t++)
        if (bw[t - 1] > 0)
            printf("  roofline ridge point, %d thread(s): %.1f flop/byte (peak / bandwidth: layers of lower "
                   "intensity are bound by memory)\n", t, peak[t - 1] / bw[t - 1]);
    char cpu[128], date[32];
    cpu_model(cpu, sizeof cpu);
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    printf("  CPU: %s; run of %s\n", cpu, date);
    if (opt.machine_csv && write_machine_csv(opt.machine_csv, peak, bw, isa, kname, cpu, date) != 0) return 1;
    FILE *csv = NULL;
    if (opt.csv) {
        csv = fopen(opt.csv, "w");
        if (!csv) {
            fprintf(stderr, "bench: cannot write %s\n", opt.csv);
            return 1;
        }
        bench_csv_header(csv);
    }

    static BenchResults results; /* 10 KB: not on the stack */
    int any_wrong = 0, status = 0;
    for (int s = 0; s < bench_nshapes && status == 0; s++) {
        if (!bench_listed(opt.shapes, bench_shapes[s].name)) continue;
        status = bench_time_shape(&bench_shapes[s], &opt, kname, peak, csv, &results, &any_wrong);
        if (status < 0) return 1; /* the shape could not be set up (said so) */
    }
    if (opt.peer_csv && read_torch_csv(opt.peer_csv, &results, csv, opt.variant, peak) == 0)
        printf("\n(no PyTorch timings in %s)\n", opt.peer_csv);
    bench_print_summary(&results, opt.shapes, peak);
    if (csv) {
        fclose(csv);
        printf("\nCSV: %s\n", opt.csv);
    }
    if (any_wrong) {
        printf("Some implementations gave wrong results (marked WRONG): run `make grade CH=06` to see why.\n");
        return 1;
    }
    return status;
}
