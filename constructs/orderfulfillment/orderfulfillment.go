// Package orderfulfillment is the order-fulfillment workflow as one
// construct: its Go Lambdas, tables, customer topic, approval queue, the
// secure state machine running workflows/orderfulfillment, and an
// IAM-authenticated REST API that starts orders and records approvals.
package orderfulfillment

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/encrypted"
	"github.com/sfnkit/sfnkit/constructs/gofunction"
	"github.com/sfnkit/sfnkit/constructs/statemachine"
	workflow "github.com/sfnkit/sfnkit/workflows/orderfulfillment"
)

// Handler entry points, as main packages of this module.
const (
	EntryValidateOrder    = "github.com/sfnkit/sfnkit/lambdas/cmd/validate-order"
	EntryProcessPayment   = "github.com/sfnkit/sfnkit/lambdas/cmd/process-payment"
	EntryRefundPayment    = "github.com/sfnkit/sfnkit/lambdas/cmd/refund-payment"
	EntryReserveInventory = "github.com/sfnkit/sfnkit/lambdas/cmd/reserve-inventory"
	EntryReleaseInventory = "github.com/sfnkit/sfnkit/lambdas/cmd/release-inventory"
	EntryShipOrder        = "github.com/sfnkit/sfnkit/lambdas/cmd/ship-order"
	EntryApprovalCallback = "github.com/sfnkit/sfnkit/lambdas/cmd/approval-callback"
)

// Tables of the workflow.
type Tables struct {
	// Orders holds each order's status, keyed by orderId; the state machine
	// writes it.
	Orders awsdynamodb.Table
	// Payments is the payment ledger, keyed by orderId.
	Payments awsdynamodb.Table
	// Inventory holds units on hand ("stock"), keyed by sku.
	Inventory awsdynamodb.Table
	// Reservations holds each order's reserved lines, keyed by orderId.
	Reservations awsdynamodb.Table
}

// Functions of the workflow.
type Functions struct {
	ValidateOrder, ProcessPayment, RefundPayment  *gofunction.Function
	ReserveInventory, ReleaseInventory, ShipOrder *gofunction.Function
	ApprovalCallback                              *gofunction.Function
}

// OrderFulfillment is the workflow and every resource made for it.
type OrderFulfillment struct {
	constructs.Construct

	// Key encrypts tables, queues, topics, logs and execution data.
	Key awskms.IKey
	// StateMachine runs the workflow.
	StateMachine *statemachine.StateMachine
	Tables       Tables
	Functions    Functions
	// CustomerTopic carries OrderConfirmed and OrderFailed events to the
	// customer-messaging service; the event name is the "event" attribute.
	CustomerTopic awssns.Topic
	// ApprovalQueue carries approval requests, each with its task token, to
	// the approvers' tool; ApprovalDeadLetters keeps those it failed to take.
	ApprovalQueue, ApprovalDeadLetters awssqs.Queue
	// Api is the REST API: POST /orders starts an execution named after the
	// order id, POST /approvals records a decision. Both need IAM auth.
	Api *Api
}

// New defines the workflow. Invalid props panic with a message naming the
// prop, the value and the fix.
func New(scope constructs.Construct, id string, props *Props) *OrderFulfillment {
	if err := props.Validate(); err != nil {
		panic(err)
	}
	p := props.withDefaults()
	this := constructs.NewConstruct(scope, jsii.String(id))
	o := &OrderFulfillment{Construct: this, Key: p.Key}
	if o.Key == nil {
		o.Key = encrypted.NewKey(this, "Key", &encrypted.KeyProps{
			Description: "Encrypts the order-fulfillment workflow's data", RemovalPolicy: p.RemovalPolicy,
		})
	}
	table := func(id, partitionKey string) awsdynamodb.Table {
		return encrypted.NewTable(this, id, &encrypted.TableProps{PartitionKey: partitionKey, Key: o.Key, RemovalPolicy: p.RemovalPolicy})
	}
	o.Tables = Tables{
		Orders:       table("OrdersTable", "orderId"),
		Payments:     table("PaymentsTable", "orderId"),
		Inventory:    table("InventoryTable", "sku"),
		Reservations: table("ReservationsTable", "orderId"),
	}
	o.CustomerTopic = encrypted.NewTopic(this, "CustomerTopic", o.Key, "Order notifications for customers")
	o.ApprovalQueue, o.ApprovalDeadLetters = encrypted.NewQueue(this, "ApprovalQueue", &encrypted.QueueProps{Key: o.Key})
	o.Functions = newFunctions(this, o.Key, o.Tables, p)

	tasks := newTasks(this, o, p)
	o.StateMachine = statemachine.New(this, "StateMachine", &statemachine.Props{
		Definition: workflow.Definition(this, &workflow.Props{
			Tasks: tasks, ApprovalThresholdCents: p.ApprovalThresholdCents,
		}),
		Timeout: p.ExecutionTimeout,
		// The approval task token (in RequestApproval's parameters) and the
		// customer's payment token, email and address (in the states'
		// input) must not reach CloudWatch Logs, where anyone who can read
		// them could approve an order: log every event, without its data.
		ExcludeExecutionData: true,
		Key:                  o.Key,
		AlarmTopic:           p.AlarmTopic,
		LogRetention:         p.LogRetention,
		RemovalPolicy:        p.RemovalPolicy,
		Comment:              "Order fulfillment: validate, approve above a threshold, pay, reserve, ship, confirm; compensate in reverse on failure",
	})
	// The direct DynamoDB tasks write order status with the workflow's key.
	encrypted.GrantTableKey(o.StateMachine.Role, o.Key, "dynamodb:PutItem", "dynamodb:UpdateItem")
	o.StateMachine.GrantTaskResponse(o.Functions.ApprovalCallback.Function)

	o.Api = newApi(this, "Api", o, p)
	return o
}

// GrantSubmitOrder lets identity call POST /orders.
func (o *OrderFulfillment) GrantSubmitOrder(identity awsiam.IGrantable) {
	o.Api.grantInvoke(identity, "POST", "/orders")
}

// GrantDecideApproval lets identity call POST /approvals.
func (o *OrderFulfillment) GrantDecideApproval(identity awsiam.IGrantable) {
	o.Api.grantInvoke(identity, "POST", "/approvals")
}

// GrantConsumeApprovals lets identity receive and delete approval requests.
func (o *OrderFulfillment) GrantConsumeApprovals(identity awsiam.IGrantable) awsiam.Grant {
	return o.ApprovalQueue.GrantConsumeMessages(identity)
}
