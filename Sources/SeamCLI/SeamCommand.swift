import ArgumentParser
import Seam

@main
struct SeamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seam",
        abstract: "Find where handoffs between services tear."
    )
}
