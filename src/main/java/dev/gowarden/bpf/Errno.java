package dev.gowarden.bpf;

import java.util.Map;

/** Names and plain-language meanings for the errno values the BPF, perf and tracefs paths return. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int EILSEQ = 84;
    public static final int EOPNOTSUPP = 95;
    public static final int ENOTSUPP = 524;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM (operation not permitted: needs root / CAP_BPF+CAP_PERFMON, or the kernel refuses this program type)"),
            Map.entry(ENOENT, "ENOENT (no such file, symbol or kernel object)"),
            Map.entry(ESRCH, "ESRCH (no such process)"),
            Map.entry(EINTR, "EINTR (interrupted)"),
            Map.entry(EIO, "EIO (input/output error)"),
            Map.entry(E2BIG, "E2BIG (too big / too many attachments)"),
            Map.entry(EBADF, "EBADF (bad file descriptor)"),
            Map.entry(EAGAIN, "EAGAIN (try again)"),
            Map.entry(ENOMEM, "ENOMEM (out of memory)"),
            Map.entry(EACCES, "EACCES (permission denied, or the verifier rejected the program)"),
            Map.entry(EFAULT, "EFAULT (bad address)"),
            Map.entry(EBUSY, "EBUSY (busy: already attached)"),
            Map.entry(EEXIST, "EEXIST (already exists)"),
            Map.entry(ENODEV, "ENODEV (no such device)"),
            Map.entry(EINVAL, "EINVAL (invalid argument)"),
            Map.entry(ENOSPC, "ENOSPC (no space left)"),
            Map.entry(ERANGE, "ERANGE (offset out of range: beyond the end of the file)"),
            Map.entry(ENOSYS, "ENOSYS (not implemented by this kernel)"),
            Map.entry(EILSEQ, "EILSEQ (offset is not on an instruction boundary)"),
            Map.entry(EOPNOTSUPP, "EOPNOTSUPP (operation not supported)"),
            Map.entry(ENOTSUPP, "ENOTSUPP (not supported here: e.g. a uprobe on a trap/int3 instruction)"));

    private Errno() {
    }

    public static String describe(int errno) {
        String s = NAMES.get(errno);
        return s != null ? s : "errno " + errno;
    }
}
