package cdkapp

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync/atomic"
	"syscall"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/internal/gobuild"
)

// validationCacheDir holds one empty file per template that CDK's
// CloudFormation validation passed, named by the template's hash.
const validationCacheDir = "cfn-validate"

// userValidation carries the user's CDK_VALIDATION (or "true" when unset)
// into the process that withoutBuiltinValidation starts.
const userValidation = "SFNKIT_CDK_VALIDATION"

// withoutBuiltinValidation runs this program again, in place, with
// CDK_VALIDATION=false, and returns only if it cannot, or already did. CDK
// adds its own CloudFormation validator to every synth unless that
// variable is false in the jsii kernel's environment, and its engine costs
// seconds to start even when every template passed it before;
// synthValidated runs it only where it earns its time. jsii fixes the
// kernel's environment when Go initializes its packages, before main, so a
// fresh exec is the only way to set it.
func withoutBuiltinValidation() {
	if os.Getenv(userValidation) != "" {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	user := os.Getenv("CDK_VALIDATION")
	if user == "" {
		user = "true"
	}
	env := append(os.Environ(), userValidation+"="+user, "CDK_VALIDATION=false")
	syscall.Exec(exe, os.Args, env) // returns only on failure (Windows, say): CDK then validates as it does by default
}

// validateAfterSynth reports whether synthValidated must validate: the
// user left validation on and CDK's built-in validator is off, which only
// withoutBuiltinValidation's exec arranges.
func validateAfterSynth() bool {
	user := os.Getenv(userValidation)
	return user != "" && user != "false" && os.Getenv("CDK_VALIDATION") == "false"
}

// synthValidated synthesizes app, then gives the templates to CDK's own
// CloudFormation validation unless it passed each of them before: the same
// bytes, account, region and version of CDK, which bundles the validator.
// Only then does it register the validator (a CloudFormationValidatePlugin,
// so CDK reports and fails on its findings exactly as it does by default)
// and synthesize again. A template with any finding is never remembered,
// so findings are reported on every synth.
func synthValidated(app awscdk.App, appRoot string, validate bool) {
	asm := app.Synth(nil)
	if !validate {
		return
	}
	dir, err := gobuild.OutputFor(appRoot, validationCacheDir)
	if err == nil && allPassedBefore(asm, dir) {
		return
	}
	v := &rememberingValidator{dir: dir}
	awscdk.NewCloudFormationValidatePlugin_Override(v, nil)
	awscdk.Validations_Of(app).AddPlugins(v)
	app.Synth(&awscdk.StageSynthesisOptions{Force: jsii.Bool(true)})
}

// What an environment-agnostic stack's artifact holds for its account and
// region (cx-api's UNKNOWN_ACCOUNT and UNKNOWN_REGION); CDK then gives the
// validator none.
const (
	unknownAccount = "unknown-account"
	unknownRegion  = "unknown-region"
)

// allPassedBefore reports whether the validator passed every template of
// asm before.
func allPassedBefore(asm cxapi.CloudAssembly, dir string) bool {
	for _, st := range *asm.StacksRecursively() {
		env := st.Environment()
		account, region := *env.Account, *env.Region
		if account == unknownAccount {
			account = ""
		}
		if region == unknownRegion {
			region = ""
		}
		key, err := templateKey(*st.TemplateFullPath(), account, region)
		if err != nil {
			return false
		}
		if _, err := os.Stat(filepath.Join(dir, key)); err != nil {
			return false
		}
	}
	return true
}

// templatesValidated counts the templates handed to CDK's validator in
// this process, so a test can see which were skipped.
var templatesValidated atomic.Int64

// rememberingValidator is CDK's CloudFormation validation over the
// templates it has not passed before.
type rememberingValidator struct {
	awscdk.CloudFormationValidatePlugin
	dir string
}

// Validate runs CDK's validator on the templates of ctx it has not passed
// before, and remembers those it passes now.
func (v *rememberingValidator) Validate(ctx awscdk.IPolicyValidationContext) *awscdk.PolicyValidationPluginReport {
	var todo []*awscdk.PolicyValidationStack
	keys := map[string]string{} // template path → cache key
	for _, st := range *ctx.StackTemplates() {
		key, err := templateKey(*st.TemplatePath, deref(st.AccountId), deref(st.Region))
		if err != nil {
			todo = append(todo, st)
			continue
		}
		keys[*st.TemplatePath] = key
		if _, err := os.Stat(filepath.Join(v.dir, key)); err != nil {
			todo = append(todo, st)
		}
	}
	report := &awscdk.PolicyValidationPluginReport{Success: jsii.Bool(true), Violations: &[]*awscdk.PolicyViolation{}}
	if len(todo) == 0 {
		return report
	}
	templatesValidated.Add(int64(len(todo)))
	report = awscdk.NewCloudFormationValidatePlugin(nil).Validate(&someTemplates{all: ctx, stacks: todo})
	flagged := map[string]bool{}
	for _, violation := range *report.Violations {
		for _, r := range *violation.ViolatingResources {
			if r.TemplatePath == nil {
				return report // a finding not tied to a template: remember nothing
			}
			flagged[*r.TemplatePath] = true
		}
	}
	for _, st := range todo {
		if key := keys[*st.TemplatePath]; key != "" && !flagged[*st.TemplatePath] {
			os.WriteFile(filepath.Join(v.dir, key), nil, 0o644) // a lost entry only costs a validation
		}
	}
	return report
}

// templateKey hashes what the validator's verdict on a template depends
// on: the template's bytes, the stack's account and region ("" when
// unknown), and the version of the CDK library, which bundles the
// validator and its rules.
func templateKey(templatePath, account, region string) (string, error) {
	template, err := os.ReadFile(templatePath)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, s := range []string{cdkVersion(), account, region} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write(template)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// cdkVersion is the version of the CDK bindings this app is built with,
// which pins the aws-cdk-lib they embed.
func cdkVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == "github.com/aws/aws-cdk-go/awscdk/v2" {
				return m.Version
			}
		}
	}
	return "unknown" // not a module build: still one key per template
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// someTemplates is a validation context narrowed to some of its stacks.
// It holds the original rather than embedding it: jsii refuses a Go
// object that embeds another object's proxy.
type someTemplates struct {
	all    awscdk.IPolicyValidationContext
	stacks []*awscdk.PolicyValidationStack
}

func (s *someTemplates) StackTemplates() *[]*awscdk.PolicyValidationStack { return &s.stacks }

func (s *someTemplates) TemplatePaths() *[]*string {
	paths := make([]*string, len(s.stacks))
	for i, st := range s.stacks {
		paths[i] = st.TemplatePath
	}
	return &paths
}

func (s *someTemplates) AppConstruct() constructs.IConstruct { return s.all.AppConstruct() }

// AccountId is the stacks' account when all share one (deprecated by CDK
// for StackTemplates, which the validator reads).
func (s *someTemplates) AccountId() *string { return s.all.AccountId() }

// Region is the stacks' region when all share one (deprecated by CDK for
// StackTemplates, which the validator reads).
func (s *someTemplates) Region() *string { return s.all.Region() }
