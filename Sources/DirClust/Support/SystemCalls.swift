#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// close(2) and write(2) by names that are the same on Linux (Glibc) and macOS (Darwin): a type with its
/// own `close()` or `write(…)` method shadows the C functions, and qualifying them as `Glibc.close` would
/// not build on a Mac.
public func systemClose(_ fd: Int32) -> Int32 { close(fd) }

/// write(2): the number of bytes written, or −1 with `errno` set.
public func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
