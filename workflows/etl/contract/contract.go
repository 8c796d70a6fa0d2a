// Package contract is the ETL workflow's contract: its state names, the
// error names its handlers raise, the paths of its data, the environment
// variables of its functions, the schema of its dataset and the statuses of
// its run ledger. The state graph (package etl), the construct, the
// handlers, the tests and the local engine all use these declarations. It
// imports neither the CDK nor the AWS SDK.
package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

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
	StateLoadPartition       = "LoadPartition"   // adds the run date's partition if it is new
	StateSwitchPartition     = "SwitchPartition" // points the partition at this run's rows
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
	PathRun          = "$.run"     // StartRun's result: runDate, runId, bucket, rawPrefix, alreadySucceeded
	PathExtract      = "$.extract" // the map's MapRunArn and ResultWriterDetails, or the Glue job run
	PathQuality      = "$.quality" // QualityGate's report
	PathLoad         = "$.load"    // LoadPartition's and SwitchPartition's query execution ids
	PathError        = "$.error"
	PathQualityError = "$.qualityError"
	PathLedgerError  = "$.ledgerError"
	PathAlertError   = "$.alertError"
)

// DefaultDatabaseName is the Glue database the workflow loads into when
// its props name none.
const DefaultDatabaseName = "sfnkit_etl"

// RunIDPattern is what a run id may hold: it is a segment of S3 keys and a
// literal in the Athena statement that switches the partition.
var RunIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// RunID names a run after its execution (an execution ARN or name): the
// execution's name when it is safe in a key and a query, as the names the
// schedule and the console give are; otherwise "x" and a hash of it.
func RunID(execution string) string {
	name := execution[strings.LastIndexByte(execution, ':')+1:]
	if RunIDPattern.MatchString(name) {
		return name
	}
	sum := sha256.Sum256([]byte(execution))
	return "x" + hex.EncodeToString(sum[:16])
}

// RunPrefix is where a run writes a dataset's curated (and quarantined)
// objects for a run date: a place of its own, so a failed run's objects
// never mix with a rerun's. The table's partition for the date points at
// the prefix of the last run that loaded it.
func RunPrefix(dataset, runDate, runID string) string {
	return dataset + "/run_date=" + runDate + "/run=" + runID + "/"
}
