#!/usr/bin/env bash
# fetch.sh -- put Fashion-MNIST and CIFAR-10 where the workbook's loaders
# (common/dataset.c) look for them:
#
#     datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
#     datasets/cifar-10-batches-bin/{data_batch_1..5,test_batch}.bin + batches.meta.txt
#
# Usage: datasets/fetch.sh [fashion-mnist|cifar10|all]      (`make datasets` runs "all")
#
# Sources, first match wins (see datasets/README.md):
#   Fashion-MNIST  FASHION_SRC=DIR holding the four .gz files; else
#                  /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist);
#                  else, as root on Debian/Ubuntu, `apt-get install dataset-fashion-mnist`;
#                  else a download of the four files from the Fashion-MNIST project.
#   CIFAR-10       CIFAR10_SRC=PATH: the official cifar-10-binary.tar.gz, a folder that
#                  holds cifar-10-batches-bin/, or a class-per-folder image tree
#                  ({train,test}/{airplane,...,truck}/*.jpg|png), as a folder or a .tar.gz;
#                  else a download of the official cifar-10-binary.tar.gz.
# Every file is checked (SHA-256, record counts, labels) before it is moved
# into place, so an interrupted run leaves nothing half-written behind; a run
# with the data already present says so and changes nothing. With a local
# source nothing touches the network. DATASETS_DIR=DIR writes somewhere else
# than this folder (for testing). Needs: gzip, tar, sha256sum or shasum,
# curl or wget for downloads, and ImageMagick + perl to import an image tree.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEST=${DATASETS_DIR:-$HERE}

say() { printf 'fetch.sh: %s\n' "$*"; }
die() { printf 'fetch.sh: error: %s\n' "$*" >&2; exit 1; }

# On exit: stop any conversion still running and remove the scratch folder.
TMP_DIR=
cleanup() {
    local pid
    for pid in $(jobs -p); do kill "$pid" 2>/dev/null || true; done
    if [ -n "$TMP_DIR" ]; then rm -rf "$TMP_DIR"; fi
}

sha256_stdin() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum | cut -d' ' -f1
    else shasum -a 256 | cut -d' ' -f1; fi
}
sha256_file() { sha256_stdin < "$1"; }

file_size() { wc -c < "$1" | tr -d ' '; }

# download URL OUT: curl or wget, failing with a message that says what to do offline.
download() {
    local url=$1 out=$2 hint=$3
    say "downloading $url"
    if command -v curl >/dev/null 2>&1; then
        curl -fL --retry 2 --connect-timeout 20 -o "$out" "$url" && return 0
    elif command -v wget >/dev/null 2>&1; then
        wget -O "$out" "$url" && return 0
    else
        die "neither curl nor wget is installed, so $url cannot be downloaded; $hint"
    fi
    rm -f "$out"
    die "download of $url failed (no network?); $hint"
}

# ---- Fashion-MNIST ---------------------------------------------------------

FASHION_FILES=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz
               t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
# SHA-256 of the .gz files the Fashion-MNIST project publishes (their MD5s,
# from the project's README: 8d4fb7e6..., 25c81989..., bef4ecab..., bb300cfd...).
FASHION_GZ_SHA256=(3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84
                   a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845
                   346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073
                   67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5)
# SHA-256 of their uncompressed contents. Debian's package recompresses the
# files (other gzip headers, so other .gz checksums) but holds the same bytes,
# so local copies are checked by content.
FASHION_RAW_SHA256=(c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888
                    bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9
                    5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b
                    0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34)
FASHION_URLS=(https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion
              http://fashion-mnist.s3-website.eu-central-1.amazonaws.com)
FASHION_SYSTEM=/usr/share/datasets/fashion-mnist

# fashion_check DIR: the four files are there and hold the official data.
fashion_check() {
    local dir=$1 i f got
    for i in 0 1 2 3; do
        f=$dir/${FASHION_FILES[$i]}
        [ -f "$f" ] || die "$f is missing"
        got=$(gzip -dc "$f" 2>/dev/null | sha256_stdin) || die "$f: cannot decompress (truncated or not gzip)"
        [ "$got" = "${FASHION_RAW_SHA256[$i]}" ] ||
            die "$f: wrong contents (sha256 of the uncompressed data is $got, expected ${FASHION_RAW_SHA256[$i]})"
    done
}

fashion_has_all() {
    local f
    for f in "${FASHION_FILES[@]}"; do [ -f "$1/$f" ] || return 1; done
}

fetch_fashion() {
    local out=$DEST/fashion-mnist src tmp i f url ok
    if [ -e "$out" ]; then
        fashion_has_all "$out" || die "$out exists but is incomplete: remove it and run again"
        fashion_check "$out"
        say "Fashion-MNIST is already in $out (checked); nothing to do"
        return 0
    fi
    tmp=$(mktemp -d "$DEST/.tmp-fashion.XXXXXX")
    TMP_DIR=$tmp
    trap cleanup EXIT
    mkdir "$tmp/fashion-mnist"
    if [ -n "${FASHION_SRC:-}" ]; then
        [ -d "$FASHION_SRC" ] || die "FASHION_SRC=$FASHION_SRC: no such directory"
        fashion_has_all "$FASHION_SRC" || die "FASHION_SRC=$FASHION_SRC must hold ${FASHION_FILES[*]}"
        src=$FASHION_SRC
    elif fashion_has_all "$FASHION_SYSTEM"; then
        src=$FASHION_SYSTEM
    elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 &&
         apt-cache policy dataset-fashion-mnist 2>/dev/null | grep 'Candidate: [0-9]' >/dev/null; then
        say "installing the Debian package dataset-fashion-mnist"
        apt-get install -y dataset-fashion-mnist || die "apt-get install dataset-fashion-mnist failed"
        fashion_has_all "$FASHION_SYSTEM" || die "dataset-fashion-mnist did not install $FASHION_SYSTEM"
        src=$FASHION_SYSTEM
    fi
    if [ -n "${src:-}" ]; then
        say "checking and copying Fashion-MNIST from $src"
        fashion_check "$src"
        for f in "${FASHION_FILES[@]}"; do cp "$src/$f" "$tmp/fashion-mnist/$f"; done
    else
        for i in 0 1 2 3; do
            f=${FASHION_FILES[$i]}
            ok=
            for url in "${FASHION_URLS[@]}"; do
                if (download "$url/$f" "$tmp/fashion-mnist/$f" "set FASHION_SRC=DIR to use local files"); then
                    ok=1
                    break
                fi
            done
            [ -n "$ok" ] || die "could not download $f; offline, set FASHION_SRC=DIR (a folder with the four .gz files)"
            got=$(sha256_file "$tmp/fashion-mnist/$f")
            [ "$got" = "${FASHION_GZ_SHA256[$i]}" ] ||
                die "$f as downloaded from $url: sha256 $got does not match the official ${FASHION_GZ_SHA256[$i]}"
        done
        fashion_check "$tmp/fashion-mnist"
    fi
    mv "$tmp/fashion-mnist" "$out"
    say "Fashion-MNIST is in $out: 60,000 train + 10,000 test images, checked"
}

# ---- CIFAR-10 ----------------------------------------------------------------

CIFAR_URL=https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz
CIFAR_TAR_SHA256=c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd
CIFAR_BATCHES=(data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin
               data_batch_5.bin test_batch.bin)
# SHA-256 of the six batches inside the official tarball.
CIFAR_BATCH_SHA256=(cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5
                    a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed
                    bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67
                    014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48
                    755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add
                    8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b)
CIFAR_CLASSES=(airplane automobile bird cat deer dog frog horse ship truck)
RECORD=3073 # 1 label byte + 32*32 red + 32*32 green + 32*32 blue
OFFLINE_HINT="offline, set CIFAR10_SRC=PATH (the official tarball, a folder with cifar-10-batches-bin, or an image tree)"

# cifar_sizes_ok DIR: all six batches exist and are whole, non-empty records.
cifar_sizes_ok() {
    local f size
    for f in "${CIFAR_BATCHES[@]}"; do
        [ -f "$1/$f" ] || return 1
        size=$(file_size "$1/$f")
        [ "$size" -gt 0 ] && [ $((size % RECORD)) -eq 0 ] || return 1
    done
}

# cifar_check DIR: every batch is whole records with labels 0..9; prints the counts.
cifar_check() {
    local dir=$1 f size report
    for f in "${CIFAR_BATCHES[@]}"; do
        [ -f "$dir/$f" ] || die "$dir/$f is missing"
        size=$(file_size "$dir/$f")
        [ "$size" -gt 0 ] || die "$dir/$f is empty"
        [ $((size % RECORD)) -eq 0 ] || die "$dir/$f: $size bytes is not a whole number of $RECORD-byte records"
        report=$(perl -e '
            binmode STDIN; my ($n, $bad, @count) = (0, -1);
            while ((my $got = read(STDIN, my $r, 3073)) > 0) {
                die "short record\n" if $got != 3073;
                my $label = ord $r;
                $bad = $n if $label > 9 && $bad < 0;
                $count[$label]++; $n++;
            }
            if ($bad >= 0) { print "BAD $bad\n"; exit 0 }
            print "$n records, per class: ", join(" ", map { $count[$_] // 0 } 0..9), "\n";
        ' < "$dir/$f") || die "$dir/$f: cannot read"
        case $report in
            BAD*) die "$dir/$f: record ${report#BAD } has a label outside 0..9" ;;
        esac
        say "  $f: $report"
    done
}

cifar_matches_official() {
    local i
    for i in 0 1 2 3 4 5; do
        [ "$(sha256_file "$1/${CIFAR_BATCHES[$i]}")" = "${CIFAR_BATCH_SHA256[$i]}" ] || return 1
    done
}

find_imagemagick() {
    local c
    for c in ${CONVERT:+"$CONVERT"} "magick convert" convert-im6.q16 /usr/bin/convert convert; do
        # shellcheck disable=SC2086
        if $c -version 2>/dev/null | grep ImageMagick >/dev/null; then echo "$c"; return 0; fi
    done
    return 1
}

# convert_chunk LIST OUT: LIST lines are "index<TAB>label<TAB>path"; OUT gets,
# for each line, a record: the label byte, then the image's R, G and B planes.
# One ImageMagick process converts the whole chunk (one per image would be
# ten times slower); chunks run in parallel, one thread each.
convert_chunk() {
    local list=$1 out=$2 n
    local -a paths=()
    local path
    while IFS= read -r path; do paths+=("$path"); done < <(cut -f3- "$list")   # no mapfile in bash 3.2
    n=${#paths[@]}
    # shellcheck disable=SC2086
    MAGICK_THREAD_LIMIT=1 $IM ${paths[@]+"${paths[@]}"} -depth 8 -interlace plane "rgb:$out.rgb" 2> "$out.err" ||
        { echo "ImageMagick failed on $list: $(head -n 3 "$out.err")" > "$out.fail"; return 1; }
    if [ "$(file_size "$out.rgb")" -ne $((n * 3072)) ]; then
        # shellcheck disable=SC2086
        MAGICK_THREAD_LIMIT=1 $IM ${paths[@]+"${paths[@]}"} -format '%wx%h %d/%f\n' info: 2>/dev/null |
            awk '$1 != "32x32" && !bad { bad = $2 " is " $1 } END { print (bad ? bad : "an image is not one 32x32 picture") ", not 32x32 pixels: CIFAR-10 images are 32x32" }' > "$out.fail"
        return 1
    fi
    cut -f2 "$list" | perl -e '
        open(my $px, "<", $ARGV[0]) or die; binmode $px; binmode STDOUT;
        while (my $label = <STDIN>) {
            read($px, my $planes, 3072) == 3072 or die "short pixel data\n";
            print chr($label), $planes;
        }' "$out.rgb" > "$out" || { echo "cannot assemble records for $list" > "$out.fail"; return 1; }
    rm -f "$out.rgb" "$out.err"
}

# convert_split ROOT SPLIT WORK: converts ROOT/SPLIT/<class>/* into WORK/SPLIT.all,
# in the order (index within class, class), so that any run of records mixes
# all classes.
convert_split() {
    local root=$1 split=$2 work=$3 c class dir n total done_count chunk jobs
    local -a pids=() chunks=()
    : > "$work/$split.list"
    for c in "${!CIFAR_CLASSES[@]}"; do
        class=${CIFAR_CLASSES[$c]}
        dir=$root/$split/$class
        [ -d "$dir" ] || die "$dir is missing: an image tree needs $split/{${CIFAR_CLASSES[*]}}"
        n=$(find "$dir" -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) |
            LC_ALL=C sort | awk -v c="$c" '{ printf "%d\t%d\t%s\n", NR - 1, c, $0 }' |
            tee -a "$work/$split.list" | wc -l | tr -d ' ')
        [ "$n" -gt 0 ] || die "$dir holds no .jpg/.jpeg/.png images"
    done
    for dir in "$root/$split"/*/; do
        class=$(basename "$dir")
        [[ " ${CIFAR_CLASSES[*]} " == *" $class "* ]] || die "$root/$split/$class is not a CIFAR-10 class folder"
    done
    LC_ALL=C sort -t "$(printf '\t')" -k1,1n -k2,2n "$work/$split.list" > "$work/$split.order"
    total=$(wc -l < "$work/$split.order" | tr -d ' ')
    split -l 1000 -a 4 "$work/$split.order" "$work/$split.chunk."
    chunks=("$work/$split".chunk.????)
    jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
    done_count=0
    for chunk in ${chunks[@]+"${chunks[@]}"}; do
        convert_chunk "$chunk" "$chunk.rec" &
        pids+=($!)
        if [ "${#pids[@]}" -ge "$jobs" ]; then
            wait "${pids[0]}" || die "$(cat "$work"/*.fail 2>/dev/null || echo "converting $split failed")"
            pids=("${pids[@]:1}")
            done_count=$((done_count + 1000))
            say "  $split: $((done_count < total ? done_count : total))/$total images converted"
        fi
    done
    # ${pids[@]+...}: bash 3.2 (macOS) calls an empty array unbound under set -u.
    for chunk in ${pids[@]+"${pids[@]}"}; do
        wait "$chunk" || die "$(cat "$work"/*.fail 2>/dev/null || echo "converting $split failed")"
    done
    say "  $split: $total/$total images converted"
    for chunk in ${chunks[@]+"${chunks[@]}"}; do cat "$chunk.rec"; done > "$work/$split.all"
    [ "$(file_size "$work/$split.all")" -eq $((total * RECORD)) ] || die "$split: record count is wrong after conversion"
}

# import_tree ROOT OUT: a class-per-folder image tree -> OUT/*.bin (CIFAR-10 binary layout).
import_tree() {
    local root=$1 out=$2 work=$2/.work total per b
    IM=$(find_imagemagick) || die "ImageMagick is needed to import an image tree (apt-get install imagemagick)"
    command -v perl >/dev/null 2>&1 || die "perl is needed to import an image tree"
    mkdir -p "$work"
    say "converting the image tree $root with $IM"
    convert_split "$root" train "$work"
    convert_split "$root" test "$work"
    total=$(( $(file_size "$work/train.all") / RECORD ))
    [ "$total" -ge 5 ] || die "$root/train: $total images cannot fill five training batches"
    per=$(( (total + 4) / 5 ))
    for b in 1 2 3 4 5; do
        dd if="$work/train.all" of="$out/data_batch_$b.bin" bs=$RECORD skip=$(( (b - 1) * per )) count=$per 2>/dev/null
    done
    mv "$work/test.all" "$out/test_batch.bin"
    rm -rf "$work"
    printf '%s\n' "${CIFAR_CLASSES[@]}" > "$out/batches.meta.txt"
    printf 'Converted from the image tree %s by datasets/fetch.sh on %s.\nJPEG pixels differ slightly from the official binary release.\n' \
        "$root" "$(date -u +%Y-%m-%d)" > "$out/SOURCE.txt"
}

# unpack_official TARBALL TMP: verify and unpack the official tarball into TMP.
unpack_official() {
    local tarball=$1 tmp=$2 got
    say "checking $tarball"
    got=$(sha256_file "$tarball")
    [ "$got" = "$CIFAR_TAR_SHA256" ] ||
        die "$tarball: sha256 $got is not the official cifar-10-binary.tar.gz's $CIFAR_TAR_SHA256 (corrupt or incomplete download?)"
    tar xzf "$tarball" -C "$tmp" cifar-10-batches-bin || die "$tarball: cannot unpack"
    cifar_matches_official "$tmp/cifar-10-batches-bin" || die "$tarball: the unpacked batches do not match their official checksums"
}

fetch_cifar10() {
    local out=$DEST/cifar-10-batches-bin src=${CIFAR10_SRC:-} tmp root
    if [ -e "$out" ]; then
        cifar_sizes_ok "$out" || die "$out exists but is incomplete: remove it and run again"
        say "CIFAR-10 is already in $out; nothing to do (remove it to fetch again)"
        return 0
    fi
    tmp=$(mktemp -d "$DEST/.tmp-cifar10.XXXXXX")
    TMP_DIR=$tmp
    trap cleanup EXIT
    mkdir "$tmp/cifar-10-batches-bin"
    if [ -z "$src" ]; then
        download "$CIFAR_URL" "$tmp/cifar-10-binary.tar.gz" "$OFFLINE_HINT"
        unpack_official "$tmp/cifar-10-binary.tar.gz" "$tmp"
        rm -f "$tmp/cifar-10-binary.tar.gz"
    elif [ -f "$src" ]; then
        case $src in
            *.tar.gz | *.tgz) ;;
            *) die "CIFAR10_SRC=$src: expected a .tar.gz (or .tgz) file or a folder" ;;
        esac
        if [ "$(sha256_file "$src")" = "$CIFAR_TAR_SHA256" ]; then
            unpack_official "$src" "$tmp"
        elif { tar tzf "$src" 2>/dev/null || true; } | grep -q '^cifar-10-batches-bin/'; then
            die "CIFAR10_SRC=$src looks like cifar-10-binary.tar.gz but its sha256 is not the official $CIFAR_TAR_SHA256"
        else
            say "unpacking $src"
            mkdir "$tmp/tree"
            tar xzf "$src" -C "$tmp/tree" || die "CIFAR10_SRC=$src: cannot unpack"
            root=$(find "$tmp/tree" -maxdepth 3 -type d -name train -print -quit)
            root=${root%/train}
            if [ -z "$root" ] || [ ! -d "$root/test" ]; then
                die "CIFAR10_SRC=$src holds neither cifar-10-batches-bin/ nor a {train,test}/<class>/ image tree"
            fi
            import_tree "$root" "$tmp/cifar-10-batches-bin"
            rm -rf "$tmp/tree"
        fi
    elif [ -d "$src" ]; then
        if [ -d "$src/cifar-10-batches-bin" ]; then src=$src/cifar-10-batches-bin; fi
        if [ -f "$src/data_batch_1.bin" ]; then
            say "copying the batches from $src"
            for b in "${CIFAR_BATCHES[@]}"; do
                [ -f "$src/$b" ] || die "$src/$b is missing"
                cp "$src/$b" "$tmp/cifar-10-batches-bin/$b"
            done
            if [ -f "$src/batches.meta.txt" ]; then cp "$src/batches.meta.txt" "$tmp/cifar-10-batches-bin/"; fi
            if cifar_matches_official "$tmp/cifar-10-batches-bin"; then
                say "  the batches match the official release's checksums"
            else
                say "  note: the batches are not byte-identical to the official release (a conversion?)"
            fi
        elif [ -d "$src/train" ] && [ -d "$src/test" ]; then
            import_tree "$src" "$tmp/cifar-10-batches-bin"
        else
            die "CIFAR10_SRC=$src holds neither cifar-10-batches-bin/, data_batch_*.bin nor train/ and test/ class folders"
        fi
    else
        die "CIFAR10_SRC=$src: no such file or directory"
    fi
    [ -f "$tmp/cifar-10-batches-bin/batches.meta.txt" ] ||
        printf '%s\n' "${CIFAR_CLASSES[@]}" > "$tmp/cifar-10-batches-bin/batches.meta.txt"
    say "checking the batches"
    cifar_check "$tmp/cifar-10-batches-bin"
    mv "$tmp/cifar-10-batches-bin" "$out"
    say "CIFAR-10 is in $out"
}

# ---- main ------------------------------------------------------------------

# All in one function, parsed before it runs: editing this file while it runs
# cannot change what a running fetch does.
main() {
    if [ ! -d "$DEST" ] || [ ! -w "$DEST" ]; then die "$DEST is not a writable folder"; fi
    case ${1:-all} in
        fashion-mnist) fetch_fashion ;;
        cifar10) fetch_cifar10 ;;
        all)
            # Each in its own process, so one failing does not stop the other.
            local failed=()
            "$BASH" "${BASH_SOURCE[0]}" fashion-mnist || failed+=(fashion-mnist)
            "$BASH" "${BASH_SOURCE[0]}" cifar10 || failed+=(cifar10)
            [ "${#failed[@]}" -eq 0 ] || die "not fetched: ${failed[*]} (see the messages above)"
            say "all datasets are in place"
            ;;
        -h | --help | help) sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
        *) die "unknown dataset '$1': expected fashion-mnist, cifar10 or all" ;;
    esac
}

main "$@"
