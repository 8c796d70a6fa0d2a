// Package etl is the ETL state graph: claim the run date, extract and
// transform the raw objects (a Distributed Map of Lambda batches, or an
// existing Glue job), check data quality, register the curated partition
// with Athena, and record the outcome in the run ledger; any failure marks
// the run FAILED and alerts.
//
// The caller creates the tasks with the resources they use; this package
// decides the order, the Distributed Map's shape and every Retry and Catch.
package etl

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
	PathError        = "$.error"
	PathQualityError = "$.qualityError"
	PathLedgerError  = "$.ledgerError"
	PathAlertError   = "$.alertError"
)
