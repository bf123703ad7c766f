package dev.gowarden.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc calls gowarden makes through FFM, each returning the raw result and the errno captured right after
 * the call. Immutable; one shared instance ({@link #libc()}).
 */
public final class Native {
    /** Result of a system call: {@code value} is the return value, {@code errno} is meaningful when value is -1. */
    public record Result(long value, int errno) {
        public boolean failed() {
            return value < 0;
        }
    }

    private static final class Holder {
        static final Native INSTANCE = new Native();
    }

    private final StructLayout captureLayout = Linker.Option.captureStateLayout();
    private final VarHandle errnoHandle = captureLayout.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private final MethodHandle syscall;
    private final MethodHandle ioctl;
    private final MethodHandle close;
    private final MethodHandle mmap;
    private final MethodHandle munmap;
    private final MethodHandle epollCreate1;
    private final MethodHandle epollCtl;
    private final MethodHandle epollWait;
    private final MethodHandle strerror;
    private final long pageSize;
    private final Syscalls numbers;

    /** System call numbers that differ per architecture. */
    public record Syscalls(long bpf, long perfEventOpen) {
        static Syscalls forCurrentArch() {
            String arch = System.getProperty("os.arch");
            return switch (arch) {
                case "amd64", "x86_64" -> new Syscalls(321, 298);
                case "aarch64", "arm64" -> new Syscalls(280, 241);
                default -> throw new BpfException("architecture " + arch + " is not supported");
            };
        }
    }

    private Native() {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        syscall = linker.downcallHandle(libc.findOrThrow("syscall"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                errno, Linker.Option.firstVariadicArg(1));
        ioctl = linker.downcallHandle(libc.findOrThrow("ioctl"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), errno, Linker.Option.firstVariadicArg(2));
        close = linker.downcallHandle(libc.findOrThrow("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
        mmap = linker.downcallHandle(libc.findOrThrow("mmap"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), errno);
        munmap = linker.downcallHandle(libc.findOrThrow("munmap"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), errno);
        epollCreate1 = linker.downcallHandle(libc.findOrThrow("epoll_create1"), FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
        epollCtl = linker.downcallHandle(libc.findOrThrow("epoll_ctl"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), errno);
        epollWait = linker.downcallHandle(libc.findOrThrow("epoll_wait"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), errno);
        strerror = linker.downcallHandle(libc.findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MethodHandle sysconf = linker.downcallHandle(libc.findOrThrow("sysconf"), FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        try {
            pageSize = (long) sysconf.invokeExact(30 /* _SC_PAGESIZE */);
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
        numbers = Syscalls.forCurrentArch();
    }

    public static Native libc() {
        return Holder.INSTANCE;
    }

    public long pageSize() {
        return pageSize;
    }

    public Syscalls numbers() {
        return numbers;
    }

    public Result syscall(long nr, long a1, long a2, long a3, long a4, long a5) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(captureLayout);
            long r = (long) syscall.invokeExact(state, nr, a1, a2, a3, a4, a5);
            return new Result(r, r == -1 ? (int) errnoHandle.get(state, 0L) : 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** bpf(2): {@code attr} holds the command's union, {@code size} its length. */
    public Result bpf(int cmd, MemorySegment attr, long size) {
        return syscall(numbers.bpf(), cmd, attr.address(), size, 0, 0);
    }

    public Result ioctl(int fd, long request, long arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(captureLayout);
            int r = (int) ioctl.invokeExact(state, fd, request, arg);
            return new Result(r, r == -1 ? (int) errnoHandle.get(state, 0L) : 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void close(int fd) {
        if (fd < 0) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(captureLayout);
            int ignored = (int) close.invokeExact(state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** mmap(2); returns the mapping's address or throws with the errno. */
    public MemorySegment mmap(long length, int prot, int flags, int fd, long offset, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(captureLayout);
            MemorySegment r = (MemorySegment) mmap.invokeExact(state, MemorySegment.NULL, length, prot, flags, fd, offset);
            if (r.address() == -1L) {
                throw new BpfException("mmap of " + what + " failed", (int) errnoHandle.get(state, 0L));
            }
            return r;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void munmap(MemorySegment addr, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(captureLayout);
            int ignored = (int) munmap.invokeExact(state, addr, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public Result epollCreate() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(captureLayout);
            int r = (int) epollCreate1.invokeExact(state, 0x80000 /* EPOLL_CLOEXEC */);
            return new Result(r, r == -1 ? (int) errnoHandle.get(state, 0L) : 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public Result epollAdd(int epfd, int fd, int events, long data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(captureLayout);
            // struct epoll_event is packed on x86-64: u32 events, u64 data (12 bytes)
            MemorySegment ev = arena.allocate(16);
            ev.set(JAVA_INT, 0, events);
            ev.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, data);
            int r = (int) epollCtl.invokeExact(state, epfd, 1 /* EPOLL_CTL_ADD */, fd, ev);
            return new Result(r, r == -1 ? (int) errnoHandle.get(state, 0L) : 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** epoll_wait into a caller-owned buffer of {@code max} events; returns the count (0 on timeout or EINTR). */
    public int epollWait(int epfd, MemorySegment events, int max, int timeoutMs, MemorySegment state) {
        try {
            int r = (int) epollWait.invokeExact(state, epfd, events, max, timeoutMs);
            if (r < 0) {
                int err = (int) errnoHandle.get(state, 0L);
                if (err == Errno.EINTR) return 0;
                throw new BpfException("epoll_wait failed", err);
            }
            return r;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment allocateCallState(Arena arena) {
        return arena.allocate(captureLayout);
    }

    public String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) strerror.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
