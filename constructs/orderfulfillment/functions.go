package orderfulfillment

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/sfnkit/sfnkit/constructs/encrypted"
	"github.com/sfnkit/sfnkit/constructs/gofunction"
	"github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

// newFunctions builds the handlers and grants each exactly the table
// actions its code performs.
func newFunctions(scope constructs.Construct, key awskms.IKey, t Tables, p Props) Functions {
	fn := func(id, entry, description string, env map[string]string) *gofunction.Function {
		return gofunction.New(scope, id, &gofunction.Props{
			Entry: entry, Description: description, Environment: env,
			Key: key, LogRetention: p.LogRetention, RemovalPolicy: p.RemovalPolicy,
		})
	}
	paymentsEnv := map[string]string{contract.EnvPaymentsTable: *t.Payments.TableName()}
	inventoryEnv := map[string]string{
		contract.EnvInventoryTable:    *t.Inventory.TableName(),
		contract.EnvReservationsTable: *t.Reservations.TableName(),
	}
	f := Functions{
		ValidateOrder:    fn("ValidateOrderFunction", EntryValidateOrder, "Validates and prices an order", nil),
		ProcessPayment:   fn("ProcessPaymentFunction", EntryProcessPayment, "Charges an order once, idempotent on orderId", paymentsEnv),
		RefundPayment:    fn("RefundPaymentFunction", EntryRefundPayment, "Refunds an order's payment, idempotent", paymentsEnv),
		ReserveInventory: fn("ReserveInventoryFunction", EntryReserveInventory, "Reserves every line's stock or none", inventoryEnv),
		ReleaseInventory: fn("ReleaseInventoryFunction", EntryReleaseInventory, "Returns an order's reserved stock, idempotent", inventoryEnv),
		ShipOrder:        fn("ShipOrderFunction", EntryShipOrder, "Books the order's shipment", nil),
		ApprovalCallback: fn("ApprovalCallbackFunction", EntryApprovalCallback, "Records an approver's decision on a waiting order", nil),
	}
	encrypted.GrantTable(f.ProcessPayment, t.Payments, key, "dynamodb:GetItem", "dynamodb:PutItem")
	encrypted.GrantTable(f.RefundPayment, t.Payments, key, "dynamodb:GetItem", "dynamodb:UpdateItem")
	encrypted.GrantTable(f.ReserveInventory, t.Reservations, key, "dynamodb:GetItem", "dynamodb:PutItem")
	encrypted.GrantTable(f.ReserveInventory, t.Inventory, key, "dynamodb:UpdateItem")
	encrypted.GrantTable(f.ReleaseInventory, t.Reservations, key, "dynamodb:GetItem", "dynamodb:UpdateItem")
	encrypted.GrantTable(f.ReleaseInventory, t.Inventory, key, "dynamodb:UpdateItem")
	return f
}
