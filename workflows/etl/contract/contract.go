// Package contract is the ETL workflow's contract: its state names, the
// error names its handlers raise, the paths of its data, the environment
// variables of its functions, the schema of its dataset and the statuses of
// its run ledger. The state graph (package etl), the construct, the
// handlers, the tests and the local engine all use these declarations. It
// imports neither the CDK nor the AWS SDK.
package contract

// Environment variables of the workflow's functions: the construct sets
// them, each handler's EnvFrom reads them.
const (
	EnvLedgerTable      = "LEDGER_TABLE"      // StartRun: the run ledger's table name
	EnvRawBucket        = "RAW_BUCKET"        // StartRun, Transform: the raw data's bucket
	EnvStaleAfter       = "STALE_AFTER"       // StartRun: a Go duration after which a RUNNING claim can be taken over
	EnvCuratedBucket    = "CURATED_BUCKET"    // Transform: where curated rows go
	EnvQuarantineBucket = "QUARANTINE_BUCKET" // Transform: where rejected rows go
	EnvWorkBucket       = "WORK_BUCKET"       // QualityGate: the Distributed Map's results and the Glue summaries
)

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
