/**
 * A request the credential refuses to sign, or a credential that cannot sign at all. Carries the
 * credential field (or request part) to fix so the node can turn it into an actionable error.
 * Never put secret material into the message.
 */
export class ChargePilotCredentialError extends Error {
	readonly field: string;

	constructor(field: string, message: string) {
		super(message);
		this.name = 'ChargePilotCredentialError';
		this.field = field;
	}
}

export function isChargePilotCredentialError(error: unknown): error is ChargePilotCredentialError {
	return error instanceof Error && error.name === 'ChargePilotCredentialError';
}
