"""Resource limits of one sandboxed run."""

from dataclasses import dataclass, replace

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    cpu_time: float = 2.0  # seconds of CPU
    wall_time: float = 5.0  # seconds on the clock (catches sleep and blocking reads)
    memory: int = 256 * MiB  # peak resident memory the program may use
    processes: int = 16  # processes and threads, beyond what the runtime itself needs
    file_size: int = 16 * MiB  # largest file the program may write
    open_files: int = 64
    output: int = 1 * MiB  # captured stdout, and stderr, each

    def scaled(self, **changes) -> "Limits":
        return replace(self, **changes)


# The most a caller may ask for (the Piston API answers 400 above these).
MAXIMUM = Limits(cpu_time=10.0, wall_time=20.0, memory=1024 * MiB, processes=64,
                 file_size=64 * MiB, open_files=256, output=8 * MiB)
COMPILE = Limits(cpu_time=10.0, wall_time=20.0, memory=1024 * MiB, processes=64,
                 file_size=64 * MiB, open_files=256, output=64 * 1024)


def clamp(limits: Limits, ceiling: Limits = MAXIMUM) -> Limits:
    return Limits(
        cpu_time=min(limits.cpu_time, ceiling.cpu_time),
        wall_time=min(limits.wall_time, ceiling.wall_time),
        memory=min(limits.memory, ceiling.memory),
        processes=min(limits.processes, ceiling.processes),
        file_size=min(limits.file_size, ceiling.file_size),
        open_files=min(limits.open_files, ceiling.open_files),
        output=min(limits.output, ceiling.output),
    )
