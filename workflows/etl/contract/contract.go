// Package contract is the ETL workflow's contract: its state names, the
// error names its handlers raise, and the paths of its data. The state graph
// (package etl), the handlers, the tests and the local engine all use these
// constants.
package contract

// State names.
const (
	StateStartRun            = "StartRun"
	StateAlreadyLoaded       = "AlreadyLoaded"
	StateRunAlreadySucceeded = "RunAlreadySucceeded"
	StateExtractTransform    = "ExtractTransform" // the Distributed Map
	StateTransform           = "Transform"        // its item processor
	StateTransformWithGlue   = "TransformWithGlue"
	StateQualityGate         = "QualityGate"
	StateLoadPartition       = "LoadPartition"
	StateFinishRun           = "FinishRun"
	StateRunSucceeded        = "RunSucceeded"
	StateMarkRunFailed       = "MarkRunFailed"
	StateAlertRunFailed      = "AlertRunFailed"
	StateClassifyFailure     = "ClassifyFailure"
	StateDataQualityFailed   = "DataQualityFailed"
	StateRunFailed           = "RunFailed"
	StateRunInProgress       = "RunInProgress"
)

// Error names raised by the handlers (their Go type names).
const (
	ErrorDataQualityFailed  = "DataQualityFailed"
	ErrorRunInProgress      = "RunInProgress"
	ErrorInvalidRunInput    = "InvalidRunInput"
	ErrorLedgerUnavailable  = "LedgerUnavailable"
	ErrorStorageUnavailable = "StorageUnavailable"
	ErrorInvalidBatch       = "InvalidBatch"
)

// Predefined errors the workflow handles.
const (
	ErrorAll                        = "States.ALL"
	ErrorTaskFailed                 = "States.TaskFailed"
	ErrorExceedToleratedFailure     = "States.ExceedToleratedFailureThreshold"
	ErrorGlueConcurrentRunsExceeded = "Glue.ConcurrentRunsExceededException"
)

// Paths of the execution's data.
const (
	PathRun          = "$.run"     // StartRun's result: runDate, bucket, rawPrefix, alreadySucceeded
	PathExtract      = "$.extract" // the map's MapRunArn and ResultWriterDetails, or the Glue job run
	PathQuality      = "$.quality" // QualityGate's report
	PathLoad         = "$.load"    // LoadPartition's query execution id
	PathError        = "$.error"
	PathQualityError = "$.qualityError"
	PathLedgerError  = "$.ledgerError"
	PathAlertError   = "$.alertError"
)
