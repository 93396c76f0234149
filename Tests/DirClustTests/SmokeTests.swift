import Testing
@testable import DirClust
@testable import DirClustExperiments

@Test func libraryVersionIsSet() {
    #expect(!DirClustInfo.version.isEmpty)
}
