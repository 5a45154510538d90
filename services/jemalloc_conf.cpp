// jemalloc's options, compiled into every executable linked with it (perspectief_malloc in
// CMakeLists.txt). Transparent huge pages for jemalloc's memory: what a start-up fills
// freshly (the snapshot of about 1 KiB per case and the models decoded from it) then costs
// one page fault per 2 MiB instead of one per 4 KiB, and page faults are expensive on a
// virtual machine. Measured with restart_bench (10 M events): 7.1-7.9 s -> 1.9-4.1 s; the
// read models of a million cases 995.5 -> 997.3 MiB (docs/performance.md). Takes effect
// where the kernel allows huge pages on request (/sys/kernel/mm/transparent_hugepage/enabled
// "madvise" or "always"). MALLOC_CONF in the environment still overrides it.
extern "C" {
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): jemalloc's interface
const char* malloc_conf = "thp:always,metadata_thp:auto";
}
