package synthtest

// The configurations the test packages share (see Shared); the synthapp
// command builds each.
var (
	// Dev is the app as `cdk synth` makes it with cdk.json's context: the
	// dev stage.
	Dev = Configuration{Name: "dev"}
	// Prod is the app for the prod stage (ProdAccount, ProdRegion,
	// ProdCostCenter), with the real providers' ARNs that stage requires.
	Prod = Configuration{Name: "prod"}
	// Variants holds the workflows with props other than the app's, each
	// in a stack of its own, with the cdk-nag packs.
	Variants = Configuration{Name: "variants"}
)

// What Prod is configured with.
const (
	ProdAccount    = "123456789012"
	ProdRegion     = "eu-west-1"
	ProdCostCenter = "cc-42"
)

// The stacks of Variants and what they are configured with.
const (
	// EtlTunedStack is the ETL workflow with a batch size, concurrency,
	// failure tolerance, schedule and reject ratio of its own.
	EtlTunedStack = "EtlTuned"
	// EtlGlueStack is the ETL workflow transforming with the Glue job
	// EtlGlueJob, without a schedule.
	EtlGlueStack = "EtlGlue"
	EtlGlueJob   = "nightly-sales"
	// ImagesModelStack is the image workflow classifying with the
	// SageMaker endpoint ImagesModelEndpoint, two thumbnail sizes and a
	// moderation confidence of 60.
	ImagesModelStack    = "ImagesWithModel"
	ImagesModelEndpoint = "Image-Classifier"
)
