import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Who runs the node as a tool ("ChargePilot Tool"): n8n's MCP Server Trigger, or an AI agent; or
 * nobody (it runs as a node in a workflow). `getExecuteData().node` is the node that asked for the
 * tool: the MCP Server Trigger itself when it calls (n8n 1.x and 2.x, main process), an agent or the
 * tool node otherwise (see actions/toolUse.ts for what follows from it).
 */
export const MCP_TRIGGER_TYPE = '@n8n/n8n-nodes-langchain.mcpTrigger';

export type ToolCaller = 'mcp' | 'agent';

export function toolCaller(context: IExecuteFunctions): ToolCaller | undefined {
	if (!context.getNode().type.endsWith('Tool')) return undefined;
	const caller = typeof context.getExecuteData === 'function' ? context.getExecuteData()?.node?.type : undefined;
	return caller === MCP_TRIGGER_TYPE ? 'mcp' : 'agent';
}

/** Whether a failure becomes an error item instead of failing the run: Continue On Fail, or an AI agent's tool. */
export function keepsGoingOnFailure(context: IExecuteFunctions): boolean {
	const caller = toolCaller(context);
	return caller === 'agent' || (caller === undefined && context.continueOnFail());
}
