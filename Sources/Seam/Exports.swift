// `import Seam` brings every stage: the umbrella re-exports them in data-flow order.
@_exported import SeamCore
@_exported import SeamInput
@_exported import SeamRecords
@_exported import SeamAlignment
@_exported import SeamCorrelation
@_exported import SeamSpec
@_exported import SeamDiagnosis
@_exported import SeamReporting
