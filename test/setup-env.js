// n8n's logger would print every expected node error of the tests; keep the output to results.
process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL || 'silent';
