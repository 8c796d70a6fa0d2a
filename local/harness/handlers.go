package harness

import (
	"fmt"
	"strconv"
	"time"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/lambdas/etlrun"
	"github.com/sfnkit/sfnkit/lambdas/imagemeta"
	"github.com/sfnkit/sfnkit/lambdas/insights"
	"github.com/sfnkit/sfnkit/lambdas/inventory"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/lambdas/orders"
	"github.com/sfnkit/sfnkit/lambdas/payments"
	"github.com/sfnkit/sfnkit/lambdas/qualitygate"
	"github.com/sfnkit/sfnkit/lambdas/shipping"
	"github.com/sfnkit/sfnkit/lambdas/thumbnail"
	"github.com/sfnkit/sfnkit/lambdas/transform"
	"github.com/sfnkit/sfnkit/local/fakes"
	etl "github.com/sfnkit/sfnkit/workflows/etl/contract"
	images "github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"
	order "github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

// handlerFactory builds a state's handler as its Lambda's main package
// would, from the function's environment, with the fakes for clients.
type handlerFactory func(vars map[string]string, env *Env, clock asl.Clock) (asl.TaskHandler, error)

// handlers knows the handler behind every Lambda task of the project.
var handlers = map[string]handlerFactory{
	order.StateValidateOrder: func(map[string]string, *Env, asl.Clock) (asl.TaskHandler, error) {
		return asl.LambdaFunction(orders.Handler{}.Handle), nil
	},
	order.StateProcessPayment: func(vars map[string]string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		svc, err := env.paymentService(vars)
		if err != nil {
			return nil, err
		}
		return asl.LambdaFunction(svc.Charge), nil
	},
	order.StateRefundPayment: func(vars map[string]string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		svc, err := env.paymentService(vars)
		if err != nil {
			return nil, err
		}
		return asl.LambdaFunction(svc.Refund), nil
	},
	order.StateReserveInventory: func(vars map[string]string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		store, err := env.inventoryStore(vars)
		if err != nil {
			return nil, err
		}
		return asl.LambdaFunction((&inventory.Service{Store: store}).Reserve), nil
	},
	order.StateReleaseInventory: func(vars map[string]string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		store, err := env.inventoryStore(vars)
		if err != nil {
			return nil, err
		}
		return asl.LambdaFunction((&inventory.Service{Store: store}).Release), nil
	},
	order.StateShipOrder: func(map[string]string, *Env, asl.Clock) (asl.TaskHandler, error) {
		return asl.LambdaFunction((&shipping.Service{Carrier: shipping.Simulator{}}).Ship), nil
	},

	etl.StateStartRun: func(vars map[string]string, env *Env, clock asl.Clock) (asl.TaskHandler, error) {
		stale, err := time.ParseDuration(vars["STALE_AFTER"])
		if err != nil {
			return nil, fmt.Errorf("STALE_AFTER: %v", err)
		}
		if err := need(vars, "LEDGER_TABLE", "RAW_BUCKET"); err != nil {
			return nil, err
		}
		s := &etlrun.Starter{
			Ledger:    &etlrun.DynamoLedger{Client: fakes.DynamoDB{AWS: env.AWS}, Table: vars["LEDGER_TABLE"]},
			RawBucket: vars["RAW_BUCKET"], StaleAfter: stale, Now: clock.Now,
		}
		return asl.LambdaFunction(s.Handle), nil
	},
	etl.StateTransform: func(vars map[string]string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		if err := need(vars, "RAW_BUCKET", "CURATED_BUCKET", "QUARANTINE_BUCKET"); err != nil {
			return nil, err
		}
		t := &transform.Transformer{Schema: etl.Sales, Raw: objectstore.NewMemory(env.AWS.Bucket(vars["RAW_BUCKET"])),
			Curated: objectstore.NewMemory(env.AWS.Bucket(vars["CURATED_BUCKET"])), Quarantine: objectstore.NewMemory(env.AWS.Bucket(vars["QUARANTINE_BUCKET"]))}
		return asl.LambdaFunction(t.Handle), nil
	},
	etl.StateQualityGate: func(vars map[string]string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		if err := need(vars, "WORK_BUCKET"); err != nil {
			return nil, err
		}
		work := vars["WORK_BUCKET"]
		g := &qualitygate.Gate{Stores: func(bucket string) (objectstore.Reader, error) {
			if bucket != work {
				return nil, fmt.Errorf("bucket %q is not the workflow's work bucket", bucket)
			}
			return objectstore.NewMemory(env.AWS.Bucket(bucket)), nil
		}}
		return asl.LambdaFunction(g.Handle), nil
	},

	images.StateExtractMetadata: func(vars map[string]string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		limits, bucket, err := imageLimits(vars)
		if err != nil {
			return nil, err
		}
		x := &imagemeta.Extractor{Bucket: bucket, Objects: objectstore.NewMemory(env.AWS.Bucket(bucket)), Limits: limits}
		return asl.LambdaFunction(x.Handle), nil
	},
	images.StateMakeThumbnails: func(vars map[string]string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		limits, bucket, err := imageLimits(vars)
		if err != nil {
			return nil, err
		}
		sizes, err := thumbnail.ParseSizes(vars["THUMBNAIL_SIZES"])
		if err != nil {
			return nil, err
		}
		m := &thumbnail.Maker{Images: objectstore.NewMemory(env.AWS.Bucket(bucket)), Sizes: sizes, Limits: limits}
		return asl.LambdaFunction(m.Handle), nil
	},
	images.StateGenerateInsights: func(map[string]string, *Env, asl.Clock) (asl.TaskHandler, error) {
		return asl.LambdaFunction(insights.Generator{}.Handle), nil
	},
}

// need checks that the function's environment sets every name.
func need(vars map[string]string, names ...string) error {
	for _, name := range names {
		if vars[name] == "" {
			return fmt.Errorf("the function's environment lacks %s", name)
		}
	}
	return nil
}

// paymentService is ProcessPayment's and RefundPayment's wiring; both share
// one provider, so a refund finds the charge, as with a real provider.
func (env *Env) paymentService(vars map[string]string) (*payments.Service, error) {
	if err := need(vars, "PAYMENTS_TABLE"); err != nil {
		return nil, err
	}
	if env.provider == nil {
		env.provider = &payments.Simulator{}
	}
	return &payments.Service{Provider: env.provider, Ledger: &payments.DynamoLedger{Client: fakes.DynamoDB{AWS: env.AWS}, Table: vars["PAYMENTS_TABLE"]}}, nil
}

func (env *Env) inventoryStore(vars map[string]string) (*inventory.DynamoStore, error) {
	if err := need(vars, "INVENTORY_TABLE", "RESERVATIONS_TABLE"); err != nil {
		return nil, err
	}
	return &inventory.DynamoStore{Client: fakes.DynamoDB{AWS: env.AWS}, InventoryTable: vars["INVENTORY_TABLE"], ReservationsTable: vars["RESERVATIONS_TABLE"]}, nil
}

func imageLimits(vars map[string]string) (imagemeta.Limits, string, error) {
	if err := need(vars, "IMAGES_BUCKET", "MAX_PIXELS", "MAX_BYTES"); err != nil {
		return imagemeta.Limits{}, "", err
	}
	bucket := vars["IMAGES_BUCKET"]
	maxPixels, err1 := strconv.ParseInt(vars["MAX_PIXELS"], 10, 64)
	maxBytes, err2 := strconv.ParseInt(vars["MAX_BYTES"], 10, 64)
	if err1 != nil || err2 != nil {
		return imagemeta.Limits{}, "", fmt.Errorf("MAX_PIXELS and MAX_BYTES must be integers")
	}
	return imagemeta.Limits{MaxPixels: maxPixels, MaxBytes: maxBytes}, bucket, nil
}
