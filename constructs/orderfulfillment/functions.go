package orderfulfillment

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/sfnkit/sfnkit/constructs/encrypted"
	"github.com/sfnkit/sfnkit/constructs/gofunction"
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
	paymentsEnv := map[string]string{"PAYMENTS_TABLE": *t.Payments.TableName()}
	inventoryEnv := map[string]string{
		"INVENTORY_TABLE":    *t.Inventory.TableName(),
		"RESERVATIONS_TABLE": *t.Reservations.TableName(),
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
	encrypted.GrantTable(f.ProcessPayment, t.Payments, key, "dynamodb:GetItem", "dynamodb:PutItem")
	encrypted.GrantTable(f.RefundPayment, t.Payments, key, "dynamodb:GetItem", "dynamodb:UpdateItem")
	encrypted.GrantTable(f.ReserveInventory, t.Reservations, key, "dynamodb:GetItem", "dynamodb:PutItem")
	encrypted.GrantTable(f.ReserveInventory, t.Inventory, key, "dynamodb:UpdateItem")
	encrypted.GrantTable(f.ReleaseInventory, t.Reservations, key, "dynamodb:GetItem", "dynamodb:UpdateItem")
	encrypted.GrantTable(f.ReleaseInventory, t.Inventory, key, "dynamodb:UpdateItem")
	return f
}
