import { attackClass } from './attack-suite.ts';
import { HOST_RESOURCE_ATTACKS } from './attacks/host-resources.ts';

attackClass('host-resources', HOST_RESOURCE_ATTACKS);
