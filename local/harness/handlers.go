package harness

import (
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

// handlerFactory builds a state's handler with its package's EnvFrom and
// New, as the function's main package does, but from the function's
// environment in the template (getenv) and with the fakes for clients.
type handlerFactory func(getenv func(string) string, env *Env, clock asl.Clock) (asl.TaskHandler, error)

// handlers knows the handler behind every Lambda task of the project.
var handlers = map[string]handlerFactory{
	order.StateValidateOrder: func(func(string) string, *Env, asl.Clock) (asl.TaskHandler, error) {
		return asl.LambdaFunction(orders.New().Handle), nil
	},
	order.StateProcessPayment: func(getenv func(string) string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		svc, err := build(getenv, payments.EnvFrom, payments.New, env.paymentClients())
		if err != nil {
			return nil, err
		}
		return asl.LambdaFunction(svc.Charge), nil
	},
	order.StateRefundPayment: func(getenv func(string) string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		svc, err := build(getenv, payments.EnvFrom, payments.New, env.paymentClients())
		if err != nil {
			return nil, err
		}
		return asl.LambdaFunction(svc.Refund), nil
	},
	order.StateReserveInventory: func(getenv func(string) string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		svc, err := build(getenv, inventory.EnvFrom, inventory.New, inventory.Clients{DynamoDB: fakes.DynamoDB{AWS: env.AWS}})
		if err != nil {
			return nil, err
		}
		return asl.LambdaFunction(svc.Reserve), nil
	},
	order.StateReleaseInventory: func(getenv func(string) string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		svc, err := build(getenv, inventory.EnvFrom, inventory.New, inventory.Clients{DynamoDB: fakes.DynamoDB{AWS: env.AWS}})
		if err != nil {
			return nil, err
		}
		return asl.LambdaFunction(svc.Release), nil
	},
	order.StateShipOrder: func(func(string) string, *Env, asl.Clock) (asl.TaskHandler, error) {
		svc, err := shipping.New(shipping.Clients{Carrier: shipping.Simulator{}})
		if err != nil {
			return nil, err
		}
		return asl.LambdaFunction(svc.Ship), nil
	},

	etl.StateStartRun: func(getenv func(string) string, env *Env, clock asl.Clock) (asl.TaskHandler, error) {
		s, err := build(getenv, etlrun.EnvFrom, etlrun.New, etlrun.Clients{DynamoDB: fakes.DynamoDB{AWS: env.AWS}})
		if err != nil {
			return nil, err
		}
		s.Now = clock.Now
		return asl.LambdaFunction(s.Handle), nil
	},
	etl.StateTransform: func(getenv func(string) string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		t, err := build(getenv, transform.EnvFrom, transform.New, transform.Clients{S3: env.buckets})
		if err != nil {
			return nil, err
		}
		return asl.LambdaFunction(t.Handle), nil
	},
	etl.StateQualityGate: func(getenv func(string) string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		g, err := build(getenv, qualitygate.EnvFrom, qualitygate.New, qualitygate.Clients{S3: env.buckets})
		if err != nil {
			return nil, err
		}
		return asl.LambdaFunction(g.Handle), nil
	},

	images.StateExtractMetadata: func(getenv func(string) string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		x, err := build(getenv, imagemeta.EnvFrom, imagemeta.New, imagemeta.Clients{S3: env.buckets})
		if err != nil {
			return nil, err
		}
		return asl.LambdaFunction(x.Handle), nil
	},
	images.StateMakeThumbnails: func(getenv func(string) string, env *Env, _ asl.Clock) (asl.TaskHandler, error) {
		m, err := build(getenv, thumbnail.EnvFrom, thumbnail.New, thumbnail.Clients{S3: env.buckets})
		if err != nil {
			return nil, err
		}
		return asl.LambdaFunction(m.Handle), nil
	},
	images.StateGenerateInsights: func(func(string) string, *Env, asl.Clock) (asl.TaskHandler, error) {
		return asl.LambdaFunction(insights.New().Handle), nil
	},
}

// build reads a handler's environment with its package's EnvFrom and
// builds it with its New: the two steps of every main package.
func build[E, C, H any](getenv func(string) string, envFrom func(func(string) string) (E, error), newHandler func(E, C) (H, error), clients C) (H, error) {
	e, err := envFrom(getenv)
	if err != nil {
		var none H
		return none, err
	}
	return newHandler(e, clients)
}

// paymentClients are ProcessPayment's and RefundPayment's clients; both
// share one provider, so a refund finds the charge, as with a real
// provider.
func (env *Env) paymentClients() payments.Clients {
	if env.provider == nil {
		env.provider = &payments.Simulator{}
	}
	return payments.Clients{DynamoDB: fakes.DynamoDB{AWS: env.AWS}, Provider: env.provider}
}

// buckets opens a fake S3 bucket as a handler's store: what the handler
// writes is what the fake serves to the state machine's S3 integrations.
func (env *Env) buckets(name string) objectstore.Bucket {
	return objectstore.NewMemory(env.AWS.Bucket(name))
}
