package etl_test

import (
	"reflect"

	"github.com/sfnkit/sfnkit/lambdas/etlrun"
	"github.com/sfnkit/sfnkit/lambdas/qualitygate"
	"github.com/sfnkit/sfnkit/lambdas/transform"
)

// handlerErrors are the error types the ETL handlers return; their Go type
// names are the errorType Step Functions sees.
var handlerErrors = []any{
	qualitygate.DataQualityFailed{}, qualitygate.InvalidGateInput{},
	etlrun.RunInProgress{}, etlrun.InvalidRunInput{},
	transform.StorageUnavailable{}, transform.InvalidBatch{},
}

func typeNamed(name string) bool {
	for _, e := range handlerErrors {
		if reflect.TypeOf(e).Name() == name {
			return true
		}
	}
	return false
}
