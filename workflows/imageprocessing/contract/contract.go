// Package contract is the image workflow's contract: its state names, the
// error names its handlers raise, the paths of its data and the environment
// variables of its functions. The state graph (package imageprocessing),
// the construct, the handlers, the tests and the local engine all use these
// constants. It imports neither the CDK nor the AWS SDK.
package contract

// Default limits on an upload, which the construct passes to the functions
// in EnvMaxPixels and EnvMaxBytes: a 50-megapixel photo of up to 50 MiB.
const (
	DefaultMaxPixels int64 = 50_000_000
	DefaultMaxBytes  int64 = 50 << 20
)

// Environment variables of the workflow's functions: the construct sets
// them, each handler's EnvFrom reads them.
const (
	EnvImagesBucket   = "IMAGES_BUCKET"   // ExtractMetadata, MakeThumbnails: the uploads' bucket
	EnvMaxPixels      = "MAX_PIXELS"      // ExtractMetadata, MakeThumbnails: the most pixels an image may have
	EnvMaxBytes       = "MAX_BYTES"       // ExtractMetadata, MakeThumbnails: the most bytes an upload may have
	EnvThumbnailSizes = "THUMBNAIL_SIZES" // MakeThumbnails: comma-separated bounding boxes, in pixels per side
	// EnvThumbnailMinThickness is MakeThumbnails' fewest pixels on a
	// thumbnail's short side; if unset, the function's default.
	EnvThumbnailMinThickness = "THUMBNAIL_MIN_THICKNESS"
)

// State names.
const (
	StateExtractMetadata   = "ExtractMetadata"
	StateAnalyze           = "Analyze"
	StateDetectLabels      = "DetectLabels"
	StateDetectModeration  = "DetectModerationLabels"
	StateMakeThumbnails    = "MakeThumbnails"
	StateInvokeCustomModel = "InvokeCustomModel"
	StateLoadPreferences   = "LoadPreferences"
	StateModerate          = "Moderate"
	StateFlagUnsafe        = "FlagUnsafe"
	StateDeleteThumbnails  = "DeleteThumbnails" // a Map over the thumbnails of an unsafe image
	StateDeleteThumbnail   = "DeleteThumbnail"  // its item processor
	StateGenerateInsights  = "GenerateInsights"
	StateStoreResults      = "StoreResults"
	StateNotifyProcessed   = "NotifyProcessed"
	StateQuarantineImage   = "QuarantineImage"
	StateDeleteOriginal    = "DeleteOriginal"
	StateNotifyQuarantined = "NotifyQuarantined"

	StateImageProcessed   = "ImageProcessed"   // Succeed
	StateAlreadyProcessed = "AlreadyProcessed" // Succeed: a repeated event
	StateImageQuarantined = "ImageQuarantined" // Succeed
	StateNothingToDo      = "NothingToDo"      // Succeed: the upload is gone
	StateProcessingFailed = "ImageProcessingFailed"
)

// Error names.
const (
	ErrorUnsupportedImage  = "UnsupportedImage"
	ErrorImageGone         = "ImageGone"
	ErrorInvalidImageEvent = "InvalidImageEvent"
	// ErrorUnsafeContent is the quarantine reason FlagUnsafe records when
	// moderation finds something; it is not raised, only recorded.
	ErrorUnsafeContent   = "UnsafeContent"
	ErrorConditionFailed = "DynamoDB.ConditionalCheckFailedException"
	ErrorAll             = "States.ALL"
	ErrorTaskFailed      = "States.TaskFailed"
)

// Rekognition's transient errors, as AWS SDK integrations name them.
var RekognitionTransientErrors = []string{
	"Rekognition.ThrottlingException",
	"Rekognition.ProvisionedThroughputExceededException",
	"Rekognition.InternalServerErrorException",
}

// Paths of the execution's data. The input is the S3 event; its object
// key is at PathEventKey.
const (
	PathEventKey    = "$.detail.object.key"
	PathEventBucket = "$.detail.bucket.name"
	PathImage       = "$.image"       // ExtractMetadata's result
	PathAnalysis    = "$.analysis"    // {labels, moderation, thumbnails, custom}
	PathPreferences = "$.preferences" // GetItem's output, or the error that stopped it
	PathInsights    = "$.insights"
	PathQuarantine  = "$.quarantine" // why the image is quarantined
	PathError       = "$.error"
)
