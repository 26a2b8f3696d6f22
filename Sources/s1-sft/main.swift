import ArgumentParser
import Shared

struct Tool: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "s1-sft", abstract: "Not built yet (see the open issues).")
    func run() throws { throw ExitCode(2) }
}

Tool.main()
