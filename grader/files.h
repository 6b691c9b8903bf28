/* files.h -- the grader's file and folder helpers: one of each.
 *
 * Plain POSIX (opendir, stat, rename), so they work on Linux and macOS.
 * Listings are sorted byte-wise, so every output that lists files is the
 * same on every machine.
 */
#ifndef GRADER_FILES_H
#define GRADER_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

bool path_exists(const char *path);
bool path_is_dir(const char *path);

/* mkdir -p: creates path and its missing parents (parents 0755). 0 or -1. */
int mkdir_p(const char *path, mode_t mode);

/* rm -rf: removes path and everything below it. 0 or -1. */
int remove_tree(const char *path);

/* Copies a file's bytes to a new file with the given mode. 0 or -1. */
int copy_file(const char *from, const char *to, mode_t mode);

/* True when every folder from / down to path may be entered by anyone
 * (o+x), so another user (the sandbox user) can reach what is inside. */
bool reachable_by_anyone(const char *path);

/* Every regular file under dir, recursively, as "dir/.../name", sorted;
 * names starting with '.' and __pycache__ folders are skipped. The caller
 * frees the list with free_list. 0 or -1. */
int list_files(const char *dir, char ***files, size_t *count);

/* The names (not paths) directly in dir that end in suffix ("" for all),
 * only folders when dirs_only, else only regular files; sorted, without
 * dot files. 0 or -1. */
int list_names(const char *dir, const char *suffix, bool dirs_only, char ***names, size_t *count);

void free_list(char **items, size_t count);

/* Chapter `number` ("04"; "4" works too) -> its folder's name under
 * chapters/ ("04-pooling") in slug. 0, or -1 when there is no such chapter;
 * then `known` (if not NULL, `known_size` bytes) lists the chapters there
 * are ("01 02 ..."). */
int chapter_slug(const char *number, char *slug, size_t size, char *known, size_t known_size);

/* True when the file at path holds exactly data[0..size). */
bool file_equals(const char *path, const char *data, size_t size);

/* Writes data to path through a temporary file renamed over it, so a reader
 * never sees half a file. 0 or -1. */
int write_file_atomically(const char *path, const char *data, size_t size);

/* write_file_atomically only when the content would change (so make sees
 * no new timestamp otherwise). 0 or -1. */
int write_if_changed(const char *path, const char *data, size_t size);

#endif
