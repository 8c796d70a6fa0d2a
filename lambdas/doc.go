// Package lambdas holds the Go Lambda handlers of the workflows.
//
// Business logic lives in plain packages (orders, payments, inventory,
// shipping, approval) with typed inputs and outputs and interfaces for what
// they call out to, so it is testable without AWS and runnable in-process by
// the local ASL engine. The main packages under cmd/ only wire environment,
// SDK clients and lambda.Start. Nothing here imports aws-cdk-go.
//
// Errors are exported types: aws-lambda-go reports a returned error's Go type
// name as the errorType that Step Functions matches in ErrorEquals, so a type's
// name is part of the workflow's contract.
package lambdas
