package orderfulfillment

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/sfnkit/sfnkit/constructs/encrypted"
	"github.com/sfnkit/sfnkit/constructs/gofunction"
	"github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

// newFunctions builds the handlers (or takes the existing functions
// p.Handlers names) and grants each exactly the table actions its code
// performs.
func newFunctions(scope constructs.Construct, key awskms.IKey, t Tables, p Props) Functions {
	fn := func(id string, h gofunction.Handler, description string, env map[string]string) *gofunction.Function {
		return gofunction.Use(scope, id, h, gofunction.Props{
			Description: description, Environment: env,
			Key: key, LogRetention: p.LogRetention, RemovalPolicy: p.RemovalPolicy,
		})
	}
	h := p.Handlers
	gofunction.Prepare(h.ValidateOrder, h.ProcessPayment, h.RefundPayment, h.ReserveInventory, h.ReleaseInventory, h.ShipOrder, h.ApprovalCallback)
	paymentsEnv := map[string]string{contract.EnvPaymentsTable: *t.Payments.TableName()}
	inventoryEnv := map[string]string{
		contract.EnvInventoryTable:    *t.Inventory.TableName(),
		contract.EnvReservationsTable: *t.Reservations.TableName(),
	}
	f := Functions{
		ValidateOrder:    fn("ValidateOrderFunction", h.ValidateOrder, "Validates and prices an order", nil),
		ProcessPayment:   fn("ProcessPaymentFunction", h.ProcessPayment, "Charges an order once, idempotent on orderId", paymentsEnv),
		RefundPayment:    fn("RefundPaymentFunction", h.RefundPayment, "Refunds an order's payment, idempotent", paymentsEnv),
		ReserveInventory: fn("ReserveInventoryFunction", h.ReserveInventory, "Reserves every line's stock or none", inventoryEnv),
		ReleaseInventory: fn("ReleaseInventoryFunction", h.ReleaseInventory, "Returns an order's reserved stock, idempotent", inventoryEnv),
		ShipOrder:        fn("ShipOrderFunction", h.ShipOrder, "Books the order's shipment", nil),
		ApprovalCallback: fn("ApprovalCallbackFunction", h.ApprovalCallback, "Records an approver's decision on a waiting order", nil),
	}
	// An existing function is granted nothing: its permissions are its
	// owner's.
	grant := func(fn *gofunction.Function, table awsdynamodb.ITable, actions ...string) {
		if fn.Built() {
			encrypted.GrantTable(fn, table, key, actions...)
		}
	}
	grant(f.ProcessPayment, t.Payments, "dynamodb:GetItem", "dynamodb:PutItem")
	grant(f.RefundPayment, t.Payments, "dynamodb:GetItem", "dynamodb:UpdateItem")
	grant(f.ReserveInventory, t.Reservations, "dynamodb:GetItem", "dynamodb:PutItem")
	grant(f.ReserveInventory, t.Inventory, "dynamodb:UpdateItem")
	grant(f.ReleaseInventory, t.Reservations, "dynamodb:GetItem", "dynamodb:UpdateItem")
	grant(f.ReleaseInventory, t.Inventory, "dynamodb:UpdateItem")
	return f
}
