/**
 * One draw, several students: the claims compare activations on the same initial weights
 * (W3, W5–W7 across W's students; H6–H9 across H's variants at a shared width).
 */
import type { Activation } from '../../activations';
import type { TwoLayerNet } from '../../model/network';

/**
 * The same initial weights W, v with another activation. Neither init depends on σ (W's
 * Gaussian W_0, v_0; H's symmetric pairs), so this is the network that init would have drawn
 * for that activation from the same stream.
 */
export function withActivation(net: TwoLayerNet, act: Activation): TwoLayerNet {
  return { W: net.W, v: net.v, act };
}
