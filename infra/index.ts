/**
 * Entry point of the Pulumi program (Pulumi.yaml `main`). The stack name selects the environment:
 * `pulumi stack select dev && pulumi up`. The exported function is called by the Node.js language
 * host and its result becomes the stack outputs.
 */
import { main } from './program';

export = main;
