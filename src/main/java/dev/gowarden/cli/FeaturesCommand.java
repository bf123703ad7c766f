package dev.gowarden.cli;

import dev.gowarden.event.Json;
import dev.gowarden.features.Features;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "features", mixinStandardHelpOptions = true,
        description = {"Probe what this kernel supports, by trying it: loading small programs, creating maps, attaching.",
                "Kernel hooks (kprobes, fentry, fmod_ret, LSM) are refused on some hosts; gowarden checks, never assumes."})
final class FeaturesCommand implements Callable<Integer> {
    @Option(names = "--json", description = "one JSON object per feature")
    boolean json;

    @Option(names = "--trampoline-limit", description = "also measure how many programs one kernel function's trampoline takes, by "
            + "filling security_file_open's for a moment: while it is full, any other BPF LSM attach on the machine fails")
    boolean trampolineLimit;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Preflight.requireBpfPrivileges();
        Features features = new Features();
        List<Features.Result> results = new java.util.ArrayList<>(features.all());
        if (trampolineLimit) results.add(features.trampolineLinks());
        PrintWriter out = spec.commandLine().getOut();
        for (Features.Result r : results) {
            if (json) {
                out.println(new Json().object().field("feature", r.name()).field("available", r.available()).field("detail", r.detail()).end());
            } else {
                out.printf("%-36s %-4s %s%n", r.name(), r.available() ? "yes" : "no", r.detail().lines().findFirst().orElse(""));
            }
        }
        out.flush();
        return 0;
    }
}
