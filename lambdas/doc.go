// Package lambdas holds the Go Lambda handlers of the workflows.
//
// Business logic lives in plain packages (orders, payments, inventory,
// shipping, approval; etlrun, transform, qualitygate; imagemeta, thumbnail,
// insights) with typed inputs and outputs and interfaces for what
// they call out to, so it is testable without AWS and runnable in-process by
// the local ASL engine. Every handler package builds its handler the same
// way: EnvFrom(getenv) reads its Env, whose variable names the workflow's
// contract package declares, and New(env, clients) builds the handler from
// that Env and its Clients (the interfaces it calls out to); a handler with
// no environment, or nothing to call, leaves that parameter out. The main
// packages under cmd/ only pass os.Getenv and the SDK's clients to them and
// call lambda.Start; the local runtime (local/harness) passes the function's
// environment from the template and the fakes. Nothing here imports
// aws-cdk-go.
//
// Errors are exported types: aws-lambda-go reports a returned error's Go type
// name as the errorType that Step Functions matches in ErrorEquals, so a type's
// name is part of the workflow's contract.
package lambdas
