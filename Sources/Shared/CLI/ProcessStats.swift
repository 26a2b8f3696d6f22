import Glibc
import Foundation

public enum ProcessStats {
    /// Peak resident memory of this process so far, in bytes.
    public static var peakRSS: Int {
        var u = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
        return u.ru_maxrss * 1024
    }

    public static func mib(_ bytes: Int) -> String { String(format: "%.0f MiB", Double(bytes) / 1_048_576) }
}
